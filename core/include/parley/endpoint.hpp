#pragma once
// "host:port", as YAML, registries and command lines spell where a node listens, and
// "scheme://host:port[/path]", as registries list where a service is reached. One parser and
// one printer for all of them, so every place accepts, refuses and prints the same text.

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

namespace parley {

struct Endpoint {
    std::string host;  ///< a host name, an IPv4 address, or an IPv6 address without brackets
    std::uint16_t port = 0;

    /// The address and port of a socket endpoint.
    static Endpoint from(const boost::asio::ip::tcp::endpoint& endpoint);

    /// "host:port", with brackets around an IPv6 address: "[::1]:7400".
    std::string to_string() const;
};

/// Whether port 0 ("any free port") is acceptable: for a listen address, not for a peer.
enum class PortZero { refused, allowed };

/// What is wrong with `text` as "host:port", or "" when nothing is. Accepts "127.0.0.1:7400",
/// "localhost:7400" and "[::1]:7400".
std::string endpoint_problem(std::string_view text, PortZero zero = PortZero::refused);

/// Parses "host:port"; throws std::invalid_argument naming the text, the problem and the
/// expected form.
Endpoint parse_endpoint(std::string_view text, PortZero zero = PortZero::refused);

/// Where a service is reached: "tcp://127.0.0.1:7400", "ws://chat.example.com:80/parley".
struct ServiceEndpoint {
    std::string scheme;  ///< "tcp", "tls", "ws" or "wss"
    Endpoint address;
    std::string path;  ///< "" or starting with '/'; ws and wss only

    /// "scheme://host:port[path]", IPv6 in brackets.
    std::string to_string() const;
};

/// The schemes a service endpoint may name: tcp, tls, ws, wss.
bool is_known_scheme(std::string_view scheme);

/// What is wrong with `text` as a service endpoint, or "" when nothing is. A bare
/// "host:port" means tcp.
std::string service_endpoint_problem(std::string_view text);

/// Parses "scheme://host:port[/path]" or a bare "host:port" (tcp); throws
/// std::invalid_argument naming the text, the problem and the expected form.
ServiceEndpoint parse_service_endpoint(std::string_view text);

}  // namespace parley
