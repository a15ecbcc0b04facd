// parse/feed/xml_repair.cpp — the tolerant XML tokenizer of the lenient path (scan: xml_scan.cpp).
// Iterative throughout (no recursion, whatever the nesting). Pure; safe on any thread.
#include "parse/feed/xml_repair.hpp"

#include "core/text.hpp"
#include "parse/text/entities.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace feedkeeper::parse {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_control(unsigned char c) { return c < 0x20 && c != '\t' && c != '\n' && c != '\r'; }
bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

// The attribute names of one start tag. A handful is the norm and a linear search is quickest;
// past that a hash set, so a tag with hostile numbers of attributes costs linear time, not quadratic.
class AttributeNames {
public:
    void clear()
    {
        few_.clear();
        if (!many_.empty())
            many_ = {}; // not clear(): that would keep (and wipe, every tag) a huge bucket array
    }

    // False if the name is already there.
    bool insert(std::string_view name)
    {
        if (few_.size() < few_limit) {
            if (std::find(few_.begin(), few_.end(), name) != few_.end())
                return false;
            few_.push_back(name);
            return true;
        }
        if (many_.empty())
            many_.insert(few_.begin(), few_.end());
        return many_.insert(name).second;
    }

private:
    static constexpr std::size_t few_limit = 16;
    std::vector<std::string_view> few_;
    std::unordered_set<std::string_view> many_;
};

class Repairer {
public:
    explicit Repairer(std::string_view text) : text_(text) { out_.xml.reserve(text.size() + text.size() / 16 + 64); }

    RepairedDocument run()
    {
        skip_prolog_junk();
        while (i_ < text_.size()) {
            if (text_[i_] == '<')
                markup();
            else
                text_run();
        }
        if (!open_.empty())
            fix("the document ends inside <" + std::string(open_.back()) + ">");
        while (!open_.empty())
            close_top();
        return std::move(out_);
    }

private:
    void fix(std::string problem)
    {
        if (out_.fixes++ == 0)
            out_.first_problem = std::move(problem);
    }

    std::string& out() { return out_.xml; }

    void skip_prolog_junk()
    {
        while (i_ < text_.size()) {
            const std::size_t lt = text_.find('<', i_);
            if (lt == std::string_view::npos) {
                fix("no markup at all");
                i_ = text_.size();
                return;
            }
            const bool junk = std::any_of(text_.begin() + static_cast<std::ptrdiff_t>(i_), text_.begin() + static_cast<std::ptrdiff_t>(lt), [](char c) { return !is_space(c); });
            if (junk)
                fix("text before the first tag");
            i_ = lt;
            if (lt + 1 < text_.size() && (is_name_start(text_[lt + 1]) || text_[lt + 1] == '?' || text_[lt + 1] == '!'))
                return;
            ++i_;
        }
    }

    // Appends text up to the next '<', escaping what XML would reject.
    void text_run()
    {
        while (i_ < text_.size() && text_[i_] != '<') {
            const std::size_t start = i_;
            while (i_ < text_.size()) {
                const unsigned char c = static_cast<unsigned char>(text_[i_]);
                if (c == '<' || c == '&' || is_control(c))
                    break;
                ++i_;
            }
            out().append(text_.data() + start, i_ - start);
            if (i_ < text_.size() && text_[i_] != '<')
                special_character(false);
        }
    }

    // '&' or a control character at i_, in text or in an attribute value.
    void special_character(bool in_attribute)
    {
        const unsigned char c = static_cast<unsigned char>(text_[i_]);
        if (c != '&') {
            fix("a control character");
            ++i_;
            return;
        }
        const Reference reference = read_reference(text_, i_);
        switch (reference.kind) {
        case ReferenceKind::xml_named:
        case ReferenceKind::numeric:
            if (reference.valid_in_xml) {
                out().append(text_.substr(i_, reference.length));
            } else {
                fix("a reference to a character XML forbids");
                if (reference.character >= 0x20 || reference.character == '\t' || reference.character == '\n')
                    append_escaped_character(reference.character, in_attribute);
            }
            break;
        case ReferenceKind::html_named:
            fix("an HTML entity XML does not define (&" + std::string(reference.entity->name) + ";)");
            for (char ch : reference.entity->value)
                append_escaped_byte(ch, in_attribute);
            break;
        case ReferenceKind::unknown_named:
        case ReferenceKind::bare_ampersand:
            fix(reference.kind == ReferenceKind::bare_ampersand ? "an unescaped '&'" : "an undefined entity");
            out() += "&amp;";
            i_ += 1;
            return;
        }
        i_ += reference.length;
    }

    void append_escaped_byte(char c, bool in_attribute)
    {
        if (c == '<')
            out() += "&lt;";
        else if (c == '&')
            out() += "&amp;";
        else if (c == '"' && in_attribute)
            out() += "&quot;";
        else
            out() += c;
    }

    void append_escaped_character(char32_t c, bool in_attribute)
    {
        if (c < 0x80)
            append_escaped_byte(static_cast<char>(c), in_attribute);
        else
            append_utf8(out(), c);
    }

    void markup()
    {
        const std::string_view rest = text_.substr(i_);
        if (rest.starts_with("<!--"))
            return skip_past("-->", 4);
        if (rest.starts_with("<![CDATA["))
            return cdata();
        if (rest.size() >= 9 && istarts_with(rest, "<!DOCTYPE"))
            return doctype();
        if (rest.starts_with("<?"))
            return skip_past("?>", 2);
        if (rest.starts_with("</"))
            return end_tag();
        if (rest.size() > 1 && is_name_start(rest[1]))
            return start_tag();
        fix("a '<' that starts no tag");
        out() += "&lt;";
        ++i_;
    }

    void skip_past(std::string_view terminator, std::size_t opener_length)
    {
        const std::size_t end = text_.find(terminator, i_ + opener_length);
        i_ = end == std::string_view::npos ? text_.size() : end + terminator.size();
    }

    void cdata()
    {
        const std::size_t body = i_ + 9;
        const std::size_t end = text_.find("]]>", body);
        out() += "<![CDATA[";
        if (end == std::string_view::npos) {
            fix("an unterminated CDATA section");
            append_cdata_body(text_.substr(body));
            out() += "]]>";
            i_ = text_.size();
            return;
        }
        append_cdata_body(text_.substr(body, end - body));
        out() += "]]>";
        i_ = end + 3;
    }

    void append_cdata_body(std::string_view body)
    {
        for (char c : body) {
            if (is_control(static_cast<unsigned char>(c)))
                fix("a control character");
            else
                out() += c;
        }
    }

    void doctype()
    {
        int brackets = 0;
        char quote = 0;
        for (i_ += 9; i_ < text_.size(); ++i_) {
            const char c = text_[i_];
            if (quote) {
                if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '[') {
                ++brackets;
            } else if (c == ']') {
                --brackets;
            } else if (c == '>' && brackets <= 0) {
                ++i_;
                return;
            }
        }
    }

    std::string_view read_name()
    {
        const std::size_t start = i_;
        while (i_ < text_.size() && is_name_char(text_[i_]))
            ++i_;
        return text_.substr(start, i_ - start);
    }

    void open(std::string_view name)
    {
        open_.push_back(name);
        ++open_count_[name];
    }

    void close_top()
    {
        out() += "</";
        out() += open_.back();
        out() += '>';
        auto count = open_count_.find(open_.back());
        if (--count->second == 0)
            open_count_.erase(count);
        open_.pop_back();
    }

    void end_tag()
    {
        i_ += 2;
        const std::string_view name = read_name();
        const std::size_t close = text_.find('>', i_);
        i_ = close == std::string_view::npos ? text_.size() : close + 1;
        // The count answers "is it open at all?" without walking the stack, so stray end tags cost
        // nothing; the search below stops at the match, and everything it passes gets closed.
        if (name.empty() || !open_count_.contains(name)) {
            fix("a stray end tag </" + std::string(name) + ">");
            return;
        }
        const auto match = std::find(open_.rbegin(), open_.rend(), name);
        if (match != open_.rbegin())
            fix("<" + std::string(open_.back()) + "> closed by </" + std::string(name) + ">");
        const std::size_t keep = static_cast<std::size_t>(open_.rend() - match) - 1;
        while (open_.size() > keep)
            close_top();
    }

    void start_tag()
    {
        ++i_;
        const std::string_view name = read_name();
        out() += '<';
        out() += name;
        attribute_names_.clear();
        for (;;) {
            while (i_ < text_.size() && is_space(text_[i_]))
                ++i_;
            if (i_ >= text_.size()) {
                fix("the document ends inside a tag");
                break;
            }
            const char c = text_[i_];
            if (c == '>') {
                ++i_;
                break;
            }
            if (c == '/' && i_ + 1 < text_.size() && text_[i_ + 1] == '>') {
                i_ += 2;
                out() += "/>";
                return;
            }
            if (c == '<') {
                fix("a tag without its '>'");
                break;
            }
            attribute();
        }
        out() += '>';
        open(name);
    }

    void attribute()
    {
        if (!is_name_start(text_[i_])) {
            fix("a stray character in a tag");
            ++i_;
            return;
        }
        const std::string_view name = read_name();
        while (i_ < text_.size() && is_space(text_[i_]))
            ++i_;
        std::string_view value = name; // <input checked> means checked="checked"
        bool has_value = false;
        if (i_ < text_.size() && text_[i_] == '=') {
            ++i_;
            while (i_ < text_.size() && is_space(text_[i_]))
                ++i_;
            has_value = true;
            if (i_ < text_.size() && (text_[i_] == '"' || text_[i_] == '\'')) {
                const char quote = text_[i_];
                const std::size_t end = text_.find(quote, i_ + 1);
                const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
                if (end == std::string_view::npos)
                    fix("an unterminated attribute value");
                value = text_.substr(i_ + 1, stop - i_ - 1);
                i_ = end == std::string_view::npos ? stop : stop + 1;
            } else {
                const std::size_t start = i_;
                while (i_ < text_.size() && !is_space(text_[i_]) && text_[i_] != '>')
                    ++i_;
                value = text_.substr(start, i_ - start);
                fix("an unquoted attribute value");
            }
        }
        if (!has_value)
            fix("an attribute without a value");
        if (!attribute_names_.insert(name)) {
            fix("a repeated attribute");
            return;
        }
        out() += ' ';
        out() += name;
        out() += "=\"";
        append_attribute_value(value);
        out() += '"';
    }

    void append_attribute_value(std::string_view value)
    {
        const std::string_view saved_text = text_;
        const std::size_t saved_index = i_;
        text_ = value; // special_character() reads at i_ in text_
        for (i_ = 0; i_ < text_.size();) {
            const unsigned char c = static_cast<unsigned char>(text_[i_]);
            if (c == '&' || is_control(c)) {
                special_character(true);
            } else {
                if (c == '<')
                    fix("a '<' inside an attribute value");
                append_escaped_byte(static_cast<char>(c), true);
                ++i_;
            }
        }
        text_ = saved_text;
        i_ = saved_index;
    }

    std::string_view text_;
    std::size_t i_ = 0;
    RepairedDocument out_;
    std::vector<std::string_view> open_;
    std::unordered_map<std::string_view, std::size_t> open_count_; // how many of open_ have each name
    AttributeNames attribute_names_;
};

} // namespace

RepairedDocument repair_xml(std::string_view text) { return Repairer(text).run(); }

} // namespace feedkeeper::parse
