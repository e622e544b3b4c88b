#include <algorithm>
#include <charconv>
#include <stdexcept>

#include <parley/endpoint.hpp>

namespace parley {
namespace {

bool is_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
           c == '.' || c == '%';
}

// Splits `text` into host (brackets removed) and port text; returns a problem or "".
std::string split(std::string_view text, std::string_view& host, std::string_view& port) {
    if (text.starts_with('[')) {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return "an IPv6 endpoint reads \"[address]:port\"";
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        if (host.empty() || !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
            return "'" + std::string(host) + "' is not an IPv6 address";
        }
        return {};
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return "no port";
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.find(':') != std::string_view::npos) {
        return "too many ':'; write an IPv6 address in brackets, \"[::1]:7400\"";
    }
    if (host.empty()) {
        return "no host";
    }
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
        return "'" + std::string(host) + "' is not a host name or address";
    }
    return {};
}

std::string port_problem(std::string_view port, PortZero zero, std::uint16_t& out) {
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    const unsigned lowest = zero == PortZero::allowed ? 0 : 1;
    if (port.empty() || error != std::errc{} || end != port.data() + port.size() ||
        number < lowest || number > 65535) {
        return "'" + std::string(port) + "' is not a port (" + std::to_string(lowest) + "-65535)";
    }
    out = static_cast<std::uint16_t>(number);
    return {};
}

std::string parse(std::string_view text, PortZero zero, Endpoint& out) {
    std::string_view host;
    std::string_view port;
    if (auto problem = split(text, host, port); !problem.empty()) {
        return problem;
    }
    out.host = std::string(host);
    return port_problem(port, zero, out.port);
}

constexpr std::string_view kSchemeMark = "://";

std::string parse_service(std::string_view text, ServiceEndpoint& out) {
    std::string_view rest = text;
    out.scheme = "tcp";
    if (const auto mark = text.find(kSchemeMark); mark != std::string_view::npos) {
        out.scheme = std::string(text.substr(0, mark));
        rest = text.substr(mark + kSchemeMark.size());
        if (!is_known_scheme(out.scheme)) {
            return "unknown scheme '" + out.scheme + "' (known: tcp, tls, ws, wss)";
        }
    }
    out.path.clear();
    if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
        out.path = std::string(rest.substr(slash));
        rest = rest.substr(0, slash);
        if (out.scheme != "ws" && out.scheme != "wss") {
            return "a " + out.scheme + " endpoint has no path";
        }
    }
    return parse(rest, PortZero::refused, out.address);
}

}  // namespace

Endpoint Endpoint::from(const boost::asio::ip::tcp::endpoint& endpoint) {
    auto address = endpoint.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
    }
    return Endpoint{address.to_string(), endpoint.port()};
}

std::string Endpoint::to_string() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string endpoint_problem(std::string_view text, PortZero zero) {
    Endpoint ignored;
    return parse(text, zero, ignored);
}

Endpoint parse_endpoint(std::string_view text, PortZero zero) {
    Endpoint endpoint;
    if (auto problem = parse(text, zero, endpoint); !problem.empty()) {
        throw std::invalid_argument("bad endpoint '" + std::string(text) + "': " + problem +
                                    " (expected host:port, e.g. 127.0.0.1:7400 or [::1]:7400)");
    }
    return endpoint;
}

std::string ServiceEndpoint::to_string() const {
    return scheme + std::string(kSchemeMark) + address.to_string() + path;
}

bool is_known_scheme(std::string_view scheme) {
    return scheme == "tcp" || scheme == "tls" || scheme == "ws" || scheme == "wss";
}

std::string service_endpoint_problem(std::string_view text) {
    ServiceEndpoint ignored;
    return parse_service(text, ignored);
}

ServiceEndpoint parse_service_endpoint(std::string_view text) {
    ServiceEndpoint endpoint;
    if (auto problem = parse_service(text, endpoint); !problem.empty()) {
        throw std::invalid_argument("bad service endpoint '" + std::string(text) + "': " + problem +
                                    " (expected scheme://host:port, e.g. tcp://127.0.0.1:7400, "
                                    "or a bare host:port for tcp)");
    }
    return endpoint;
}

}  // namespace parley
