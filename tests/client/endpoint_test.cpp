#include <stdexcept>

#include <gtest/gtest.h>

#include <parley/client/endpoint.hpp>
#include <parley/client/fixed_discovery.hpp>

#include "plugins/run_awaitable.hpp"

namespace parley::client {
namespace {

TEST(Endpoint, ParsesHostAndPort) {
    const auto endpoint = parse_endpoint("127.0.0.1:7400");
    EXPECT_EQ(endpoint.host, "127.0.0.1");
    EXPECT_EQ(endpoint.port, 7400);
    EXPECT_EQ(parse_endpoint("localhost:1").host, "localhost");
}

TEST(Endpoint, ParsesBracketedIpv6AndPrintsItBack) {
    const auto endpoint = parse_endpoint("[::1]:7400");
    EXPECT_EQ(endpoint.host, "::1");
    EXPECT_EQ(endpoint.to_string(), "[::1]:7400");
}

TEST(Endpoint, RefusesWhatIsNotHostPort) {
    for (const char* bad : {"", "host", ":7400", "host:", "host:0", "host:65536", "host:12ab",
                            "::1:7400", "[]:7400"}) {
        EXPECT_THROW(parse_endpoint(bad), std::invalid_argument) << bad;
    }
    try {
        parse_endpoint("host");
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("expected host:port"), std::string::npos);
    }
}

TEST(FixedDiscovery, EachEndpointIsAnInstanceOfParleyIm) {
    FixedDiscovery discovery({"127.0.0.1:7400", "tcp://[::1]:7401"});
    const auto nodes = test::run_awaitable(discovery.instances());
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].service, kParleyService);
    EXPECT_EQ(nodes[0].id, "127.0.0.1:7400");
    EXPECT_EQ(nodes[0].endpoints, std::vector<std::string>{"tcp://127.0.0.1:7400"});
    EXPECT_EQ(nodes[1].id, "[::1]:7401");
    EXPECT_EQ(nodes[1].endpoints, std::vector<std::string>{"tcp://[::1]:7401"});
    EXPECT_EQ(discovery.describe(), "2 fixed servers");
}

TEST(FixedDiscovery, RefusesAnEmptyOrBadListAndSchemesItCannotSpeak) {
    EXPECT_THROW(FixedDiscovery({}), std::invalid_argument);
    EXPECT_THROW(FixedDiscovery({"127.0.0.1"}), std::invalid_argument);
    try {
        FixedDiscovery({"wss://127.0.0.1:7443/parley"});
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("this client speaks tcp and tls only"),
                  std::string::npos);
    }
    FixedDiscovery tls({"tls://127.0.0.1:7443"});
    EXPECT_EQ(test::run_awaitable(tls.instances())[0].endpoints,
              std::vector<std::string>{"tls://127.0.0.1:7443"});
}

TEST(DialableEndpoint, IsTheFirstTcpOrTlsEndpointSkippingOtherSchemes) {
    const ServiceInstance node{
        kParleyService, "a", {"wss://h:443/chat", "tcp://[::1]:7400", "tls://h:7443"}, 0, {}};
    const auto endpoint = dialable_endpoint(node);
    ASSERT_TRUE(endpoint);
    EXPECT_EQ(endpoint->to_string(), "[::1]:7400");
    const ServiceInstance secure{kParleyService, "s", {"ws://h:80/p", "tls://h:7443"}, 0, {}};
    EXPECT_EQ(dialable_service_endpoint(secure)->to_string(), "tls://h:7443");
    const ServiceInstance bare{kParleyService, "b", {"10.0.0.1:7400"}, 0, {}};
    EXPECT_EQ(dialable_endpoint(bare)->to_string(), "10.0.0.1:7400") << "bare means tcp";
    EXPECT_FALSE(dialable_endpoint({kParleyService, "c", {"ws://h:80/x", "garbage"}, 0, {}}));
}

TEST(DialableEndpoint, TheReasonNamesWhatEachInstanceOffers) {
    const std::vector<ServiceInstance> none{{kParleyService, "a", {"wss://h:8443/parley"}, 0, {}},
                                            {kParleyService, "b", {}, 0, {}}};
    EXPECT_EQ(undialable_reason(none),
              "no instance offers an endpoint this client speaks (tcp://host:port or "
              "tls://host:port): a offers wss://h:8443/parley; b offers no endpoint");
    EXPECT_EQ(undialable_reason({{kParleyService, "c", {"tcp://h:1"}, 0, {}}}), "");
    EXPECT_EQ(undialable_reason({}), "");
}

}  // namespace
}  // namespace parley::client
