// The SDK's one way to print an endpoint and its scheme-aware parser.

#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <gtest/gtest.h>

#include <parley/endpoint.hpp>

namespace parley {
namespace {

using boost::asio::ip::make_address;
using boost::asio::ip::tcp;

TEST(EndpointFrom, BracketsIpv6SoTheParserReadsItBack) {
    const Endpoint endpoint = Endpoint::from(tcp::endpoint(make_address("::1"), 7400));
    EXPECT_EQ(endpoint.to_string(), "[::1]:7400");
    EXPECT_EQ(parse_endpoint(endpoint.to_string()).host, "::1");
    EXPECT_EQ(Endpoint::from(tcp::endpoint(make_address("127.0.0.1"), 7400)).to_string(),
              "127.0.0.1:7400");
}

TEST(EndpointFrom, PrintsAnIpv4MappedPeerAsIpv4) {
    EXPECT_EQ(Endpoint::from(tcp::endpoint(make_address("::ffff:10.0.0.7"), 9)).to_string(),
              "10.0.0.7:9");
}

TEST(ServiceEndpoint, ReadsSchemeHostPortAndPath) {
    const auto tcp_endpoint = parse_service_endpoint("tcp://[::1]:7400");
    EXPECT_EQ(tcp_endpoint.scheme, "tcp");
    EXPECT_EQ(tcp_endpoint.address.host, "::1");
    EXPECT_EQ(tcp_endpoint.address.port, 7400);
    EXPECT_EQ(tcp_endpoint.path, "");
    EXPECT_EQ(tcp_endpoint.to_string(), "tcp://[::1]:7400");

    const auto ws = parse_service_endpoint("wss://chat.example.com:443/parley/v1");
    EXPECT_EQ(ws.scheme, "wss");
    EXPECT_EQ(ws.address.host, "chat.example.com");
    EXPECT_EQ(ws.path, "/parley/v1");
    EXPECT_EQ(ws.to_string(), "wss://chat.example.com:443/parley/v1");
}

TEST(ServiceEndpoint, ABareHostPortIsTcp) {
    const auto endpoint = parse_service_endpoint("10.0.0.1:7400");
    EXPECT_EQ(endpoint.scheme, "tcp");
    EXPECT_EQ(endpoint.to_string(), "tcp://10.0.0.1:7400");
}

TEST(ServiceEndpoint, RefusesWhatIsNotAnEndpoint) {
    EXPECT_NE(service_endpoint_problem("ftp://h:1").find("unknown scheme 'ftp'"),
              std::string::npos);
    EXPECT_NE(service_endpoint_problem("tcp://h:1/x").find("a tcp endpoint has no path"),
              std::string::npos);
    for (const char* bad : {"tcp://", "tcp://h", "tcp://::1:7400", "tcp://h:0", "://h:1"}) {
        EXPECT_FALSE(service_endpoint_problem(bad).empty()) << bad;
        EXPECT_THROW(parse_service_endpoint(bad), std::invalid_argument) << bad;
    }
}

}  // namespace
}  // namespace parley
