#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::client {

/// Where a node listens, as registries and command lines spell it: "host:port".
struct Endpoint {
    std::string host;
    std::uint16_t port = 0;

    /// "host:port", with brackets around an IPv6 address.
    std::string to_string() const;
};

/// Parses "host:port", "[::1]:7400" or "localhost:7400". Throws std::invalid_argument naming
/// the text and the expected form.
Endpoint parse_endpoint(std::string_view text);

}  // namespace parley::client
