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

TEST(FixedDiscovery, EachEndpointIsANode) {
    FixedDiscovery discovery({"127.0.0.1:7400", "[::1]:7401"});
    const auto nodes = test::run_awaitable(discovery.nodes());
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].id, "127.0.0.1:7400");
    EXPECT_EQ(nodes[0].endpoints, std::vector<std::string>{"127.0.0.1:7400"});
    EXPECT_EQ(nodes[1].endpoints, std::vector<std::string>{"[::1]:7401"});
    EXPECT_EQ(discovery.describe(), "2 fixed servers");
}

TEST(FixedDiscovery, RefusesAnEmptyOrBadList) {
    EXPECT_THROW(FixedDiscovery({}), std::invalid_argument);
    EXPECT_THROW(FixedDiscovery({"127.0.0.1"}), std::invalid_argument);
}

}  // namespace
}  // namespace parley::client
