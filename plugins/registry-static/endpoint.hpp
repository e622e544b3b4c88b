#pragma once

#include <string>
#include <string_view>

namespace parley::plugins::static_registry {

/// What is wrong with a client endpoint, or "" when it is a well-formed "host:port": a host
/// name, an IPv4 address or a bracketed IPv6 address ("[::1]:7000"), then a port 1-65535.
std::string endpoint_problem(std::string_view endpoint);

}  // namespace parley::plugins::static_registry
