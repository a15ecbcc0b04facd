// daemon/web/style.hpp — the view's one style sheet, served at /static/style.css (the pages'
// CSP allows styles from our own origin only, none inline). Threading: a constant.
#pragma once

#include <string_view>

namespace feedkeeper::daemon::web {

inline constexpr std::string_view style_sheet = R"css(
:root { --fg: #1d232a; --muted: #5c6670; --line: #d9dee3; --bg: #fbfbfa; --accent: #1f5fa8; --ok: #237a3b; --warn: #a86a00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
header.top { display: flex; gap: 1.5em; align-items: baseline; padding: .6em 1.5em; border-bottom: 1px solid var(--line); background: #fff; }
header.top .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.top nav a { margin-right: 1em; }
header.top form { margin-left: auto; }
main { max-width: 72em; margin: 0 auto; padding: 1em 1.5em 3em; }
a { color: var(--accent); }
h1 { font-size: 1.45em; margin: .4em 0 .6em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .5em; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85em; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.small { font-size: .85em; }
.badge { display: inline-block; padding: 0 .5em; border-radius: .8em; font-size: .8em; border: 1px solid var(--line); background: #f1f3f5; white-space: nowrap; }
.badge.ok, .badge.article { background: #e6f4ea; border-color: #b7dfc2; color: var(--ok); }
.badge.backing_off, .badge.pending, .badge.paywall, .badge.consent_wall { background: #fff4e0; border-color: #f0d39a; color: var(--warn); }
.badge.failing, .badge.failed, .badge.gone, .badge.error_page { background: #fdecea; border-color: #f3b8b3; color: var(--bad); }
.badge.retired, .badge.not_article { color: var(--muted); }
svg.bars { vertical-align: middle; }
svg.bars rect { fill: var(--accent); }
form.filters { display: flex; flex-wrap: wrap; gap: .6em; align-items: end; margin: .5em 0 1em; }
form.filters label { display: flex; flex-direction: column; font-size: .8em; color: var(--muted); }
input, select, button { font: inherit; padding: .2em .4em; }
.hit { margin: 0 0 1.1em; }
.hit .snippet { margin: .15em 0; }
mark { background: #fff1a8; padding: 0 .1em; }
article.body { background: #fff; border: 1px solid var(--line); padding: 1em 1.5em; max-width: 46em; }
article.body img { max-width: 100%; height: auto; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: 0 0 1em; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.diff { background: #fff; border: 1px solid var(--line); padding: 1em; white-space: pre-wrap; max-width: 46em; }
.diff del { background: #fdecea; color: var(--bad); }
.diff ins { background: #e6f4ea; color: var(--ok); text-decoration: none; }
iframe.capture { width: 100%; height: 70vh; border: 1px solid var(--line); background: #fff; }
pre.headers { background: #fff; border: 1px solid var(--line); padding: .6em; overflow-x: auto; font-size: .85em; }
.pager { margin: 1em 0; }
.error { color: var(--bad); }
)css";

} // namespace feedkeeper::daemon::web
