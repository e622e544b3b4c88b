#pragma once
// "host:port", as YAML, registries and command lines spell where a node listens. One parser
// for all of them, so every place accepts and refuses the same text.

#include <cstdint>
#include <string>
#include <string_view>

namespace parley {

struct Endpoint {
    std::string host;  ///< a host name, an IPv4 address, or an IPv6 address without brackets
    std::uint16_t port = 0;

    /// "host:port", with brackets around an IPv6 address.
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

}  // namespace parley
