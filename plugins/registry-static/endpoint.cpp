#include "endpoint.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <system_error>

namespace parley::plugins::static_registry {

namespace {

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
           c == '.' || c == '%';
}

}  // namespace

std::string endpoint_problem(std::string_view endpoint) {
    std::string_view host;
    std::string_view port;
    if (endpoint.starts_with('[')) {
        const auto close = endpoint.find(']');
        if (close == std::string_view::npos || close + 1 >= endpoint.size() ||
            endpoint[close + 1] != ':') {
            return "an IPv6 endpoint reads \"[address]:port\"";
        }
        host = endpoint.substr(1, close - 1);
        port = endpoint.substr(close + 2);
        if (host.empty() || !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
            return "'" + std::string(host) + "' is not an IPv6 address";
        }
    } else {
        const auto colon = endpoint.find(':');
        if (colon == std::string_view::npos) {
            return "no port; an endpoint reads \"host:port\"";
        }
        host = endpoint.substr(0, colon);
        port = endpoint.substr(colon + 1);
        if (port.find(':') != std::string_view::npos) {
            return "too many ':'; write an IPv6 address in brackets, \"[::1]:7000\"";
        }
        if (host.empty()) {
            return "no host; an endpoint reads \"host:port\"";
        }
        if (!std::all_of(host.begin(), host.end(), is_host_char)) {
            return "'" + std::string(host) + "' is not a host name or address";
        }
    }
    std::uint32_t number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() || number == 0 ||
        number > 65535) {
        return "'" + std::string(port) + "' is not a port (1-65535)";
    }
    return {};
}

}  // namespace parley::plugins::static_registry
