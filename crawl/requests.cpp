// crawl/requests.cpp — request settings. Threading: pure functions.
#include "crawl/requests.hpp"

namespace feedkeeper::crawl {

fetch::FetchRequest request_for(const Config& config, const std::string& url, const store::FeedRecord* feed)
{
    fetch::FetchRequest request;
    request.url = url;
    request.user_agent = config.fetch.user_agent;
    request.proxy = config.fetch.proxy;
    request.environment_proxy = config.fetch.proxy_from_environment ? fetch::EnvironmentProxy::honoured : fetch::EnvironmentProxy::ignored;
    request.limits = config.fetch.limits;
    if (feed) {
        request.headers = feed->headers;
        request.cookies = feed->cookies;
    }
    // Private addresses: allowed by configuration, or, on the feed's own host only, when the feed
    // itself lives on one (its first hop's address: then its articles are expected there too); never
    // because a public feed points there, never for other hosts a private feed links to (a local
    // feed proxy such as RSS-Bridge relays third-party links), never for hosts a redirect leads to.
    const bool feed_private = feed && !feed->remote_ip.empty() && fetch::is_private_address(feed->remote_ip);
    request.address_policy = config.fetch.allow_private_addresses ? fetch::AddressPolicy::allow_private
        : feed_private                                            ? fetch::AddressPolicy::private_origin
                                                                  : fetch::AddressPolicy::public_only;
    if (feed)
        request.private_origin_url = feed->url;
    return request;
}

} // namespace feedkeeper::crawl
