// tests/daemon/config_test.cpp — the TOML configuration: defaults, values, and errors that name
// the file, line and key.
#include "crawl/config.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

using namespace feedkeeper;
using namespace feedkeeper::crawl;
using feedkeeper::testing::TemporaryDirectory;
using feedkeeper::testing::write_text_file;

namespace {

Result<Config> load(const std::string& text)
{
    static TemporaryDirectory directory;
    const std::string path = directory.file("feedkeeper.toml");
    write_text_file(path, text);
    return load_config(path);
}

} // namespace

TEST(Config, TheExampleFileLoadsAndMatchesTheDefaults)
{
    auto config = load_config(std::string(FEEDKEEPER_SOURCE_DIR) + "/doc/feedkeeper.example.toml");
    ASSERT_TRUE(config) << config.error().message;
    const Config defaults = default_config();
    EXPECT_EQ(config->politeness.defaults.min_delay, defaults.politeness.defaults.min_delay);
    EXPECT_EQ(config->fetch.limits.max_body_bytes, defaults.fetch.limits.max_body_bytes);
    EXPECT_EQ(config->fetch.limits.max_redirects, defaults.fetch.limits.max_redirects);
    EXPECT_EQ(config->fetch.proxy_from_environment, defaults.fetch.proxy_from_environment);
    EXPECT_EQ(config->schedule.min_interval, defaults.schedule.min_interval);
    EXPECT_EQ(config->schedule.max_interval, defaults.schedule.max_interval);
    EXPECT_EQ(config->schedule.recheck_ages, defaults.schedule.recheck_ages);
    EXPECT_EQ(config->daemon.shutdown_grace, defaults.daemon.shutdown_grace);
}

TEST(Config, ReadsFeedsHostsAndDurations)
{
    auto config = load(R"(
[politeness]
min_delay = "250ms"
[[politeness.host]]
host = "Example.COM"
min_delay = "1.5s"
connections = 2
[[feed]]
url = "https://example.com/feed/"
interval = "30m"
cookies = "consent=yes"
headers = { "Accept-Language" = "de" }
)");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->politeness.defaults.min_delay, std::chrono::milliseconds(250));
    ASSERT_TRUE(config->politeness.hosts.contains("example.com"));
    EXPECT_EQ(config->politeness.hosts["example.com"].min_delay, std::chrono::milliseconds(1500));
    EXPECT_EQ(config->politeness.hosts["example.com"].connections, 2u);
    ASSERT_EQ(config->feeds.size(), 1u);
    EXPECT_EQ(config->feeds[0].interval, std::chrono::seconds(1800));
    EXPECT_EQ(config->feeds[0].cookies, "consent=yes");
    ASSERT_EQ(config->feeds[0].headers.size(), 1u);
    EXPECT_EQ(config->feeds[0].headers[0].value, "de");
}

TEST(Config, ErrorsNameFileLineAndKey)
{
    auto bad_value = load("[fetch]\n\nmax_redirects = 99\n");
    ASSERT_FALSE(bad_value);
    EXPECT_NE(bad_value.error().message.find("line 3"), std::string::npos) << bad_value.error().message;
    EXPECT_NE(bad_value.error().message.find("fetch.max_redirects"), std::string::npos);
    EXPECT_NE(bad_value.error().message.find("feedkeeper.toml"), std::string::npos);

    auto unknown = load("[schedule]\nmin_intervall = \"5m\"\n");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("schedule.min_intervall"), std::string::npos) << unknown.error().message;

    auto syntax = load("[store\npath = 1\n");
    ASSERT_FALSE(syntax);
    EXPECT_NE(syntax.error().message.find("line 1"), std::string::npos) << syntax.error().message;

    auto hammer = load("[schedule]\nmin_interval = 6\n");
    ASSERT_FALSE(hammer);
    EXPECT_NE(hammer.error().message.find("schedule.min_interval"), std::string::npos) << hammer.error().message;

    auto no_timeout = load("[fetch]\ntotal_timeout = \"0s\"\n");
    ASSERT_FALSE(no_timeout);
    EXPECT_NE(no_timeout.error().message.find("fetch.total_timeout"), std::string::npos) << no_timeout.error().message;

    auto two_proxies = load("[fetch]\nproxy = \"http://proxy.example:3128\"\nproxy_from_environment = true\n");
    ASSERT_FALSE(two_proxies);
    EXPECT_NE(two_proxies.error().message.find("fetch.proxy_from_environment"), std::string::npos) << two_proxies.error().message;

    auto not_a_url = load("[[feed]]\nurl = \"ftp://example.com/\"\n");
    ASSERT_FALSE(not_a_url);
    EXPECT_NE(not_a_url.error().message.find("feed.url"), std::string::npos);
}

TEST(Config, AnArchiveSizeCapIsEitherOffOrAtLeastOneMebibyte)
{
    auto off = load("[store]\nmax_bytes = 0\n");
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_FALSE(off->store.max_bytes);
    auto capped = load("[store]\nmax_bytes = 10485760\n");
    ASSERT_TRUE(capped) << capped.error().message;
    EXPECT_EQ(capped->store.max_bytes, 10485760);
    auto tiny = load("[store]\nmax_bytes = 4096\n");
    ASSERT_FALSE(tiny);
    EXPECT_NE(tiny.error().message.find("store.max_bytes"), std::string::npos) << tiny.error().message;
}
