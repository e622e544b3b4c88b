#include <stdexcept>

#include <parley/client/endpoint.hpp>

namespace parley::client {

namespace {

/// The schemes FrameConnection speaks.
bool can_speak(const ServiceEndpoint& endpoint) {
    return endpoint.scheme == "tcp" || endpoint.scheme == "tls";
}

}  // namespace

std::optional<ServiceEndpoint> dialable_service_endpoint(const ServiceInstance& instance) {
    for (const auto& text : instance.endpoints) {
        if (!service_endpoint_problem(text).empty()) {
            continue;
        }
        if (ServiceEndpoint endpoint = parse_service_endpoint(text); can_speak(endpoint)) {
            return endpoint;
        }
    }
    return std::nullopt;
}

std::optional<Endpoint> dialable_endpoint(const ServiceInstance& instance) {
    if (auto endpoint = dialable_service_endpoint(instance)) {
        return endpoint->address;
    }
    return std::nullopt;
}

std::string choice_text(const ServiceEndpoint& endpoint) {
    return endpoint.scheme == "tcp" ? endpoint.address.to_string() : endpoint.to_string();
}

std::string undialable_reason(const std::vector<ServiceInstance>& instances) {
    std::string offers;
    for (const auto& instance : instances) {
        if (dialable_endpoint(instance)) {
            return {};
        }
        std::string listed;
        for (const auto& endpoint : instance.endpoints) {
            listed += (listed.empty() ? "" : ", ") + endpoint;
        }
        offers += (offers.empty() ? "" : "; ") + instance.id + " offers " +
                  (listed.empty() ? "no endpoint" : listed);
    }
    if (offers.empty()) {
        return {};
    }
    return "no instance offers an endpoint this client speaks (tcp://host:port or "
           "tls://host:port): " +
           offers;
}

}  // namespace parley::client
