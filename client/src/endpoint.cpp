#include <charconv>
#include <stdexcept>

#include <parley/client/endpoint.hpp>

namespace parley::client {

std::string Endpoint::to_string() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint parse_endpoint(std::string_view text) {
    const auto bad = [&](const char* why) {
        return std::invalid_argument("bad endpoint '" + std::string(text) + "': " + why +
                                     " (expected host:port, e.g. 127.0.0.1:7400 or [::1]:7400)");
    };
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw bad("no port");
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        throw bad("an IPv6 address needs brackets");
    }
    if (host.empty()) {
        throw bad("no host");
    }
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
        throw bad("the port must be a number from 1 to 65535");
    }
    return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace parley::client
