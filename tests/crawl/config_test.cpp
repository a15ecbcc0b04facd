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
    EXPECT_EQ(config->daemon.control_timeout, defaults.daemon.control_timeout);
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

TEST(Config, RefusesLineBreaksInFeedHeadersAndCookies)
{
    auto header = load("[[feed]]\nurl = \"https://example.com/feed/\"\n\nheaders = { \"X-Api-Key\" = \"k\\r\\nX-Injected: 1\" }\n");
    ASSERT_FALSE(header);
    EXPECT_NE(header.error().message.find("line 4"), std::string::npos) << header.error().message;
    EXPECT_NE(header.error().message.find("feed.headers.X-Api-Key"), std::string::npos) << header.error().message;

    auto name = load("[[feed]]\nurl = \"https://example.com/feed/\"\nheaders = { \"X\\nY\" = \"v\" }\n");
    ASSERT_FALSE(name);
    EXPECT_NE(name.error().message.find("line 3"), std::string::npos) << name.error().message;

    auto cookie = load("[[feed]]\nurl = \"https://example.com/feed/\"\ncookies = \"a=b\\nX-Injected: 1\"\n");
    ASSERT_FALSE(cookie);
    EXPECT_NE(cookie.error().message.find("feed.cookies"), std::string::npos) << cookie.error().message;
    EXPECT_NE(cookie.error().message.find("line 3"), std::string::npos) << cookie.error().message;
}

TEST(Config, MustBeARegularFile)
{
    TemporaryDirectory directory;
    for (const std::string& path : { directory.path(), std::string("/dev/null") }) {
        auto config = load_config(path);
        ASSERT_FALSE(config) << path << " was read as an empty configuration";
        EXPECT_NE(config.error().message.find("regular file"), std::string::npos) << config.error().message;
        EXPECT_NE(config.error().message.find(path), std::string::npos) << config.error().message;
    }
}

TEST(Config, UnreadableOrMissingFileSaysWhyWithoutALineZero)
{
    TemporaryDirectory directory;
    auto missing = load_config(directory.file("missing.toml"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.find("line 0"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("No such file"), std::string::npos) << missing.error().message;
    EXPECT_NE(missing.error().message.find("missing.toml"), std::string::npos) << missing.error().message;
}

TEST(Config, MinIntervalAboveMaxIntervalPointsAtTheKeysLine)
{
    auto config = load("[schedule]\n# comment\n\nmax_interval = \"1h\"\nmin_interval = \"2h\"\n");
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("line 5"), std::string::npos) << config.error().message;
    EXPECT_NE(config.error().message.find("schedule.min_interval"), std::string::npos) << config.error().message;
}
