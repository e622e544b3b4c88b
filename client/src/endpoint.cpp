#include <stdexcept>

#include <parley/client/endpoint.hpp>

namespace parley::client {

namespace {

/// The schemes FrameConnection speaks.
bool can_speak(const ServiceEndpoint& endpoint) {
    return endpoint.scheme == "tcp";
}

}  // namespace

std::optional<Endpoint> dialable_endpoint(const ServiceInstance& instance) {
    for (const auto& text : instance.endpoints) {
        if (!service_endpoint_problem(text).empty()) {
            continue;
        }
        if (const ServiceEndpoint endpoint = parse_service_endpoint(text); can_speak(endpoint)) {
            return endpoint.address;
        }
    }
    return std::nullopt;
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
    return "no instance offers an endpoint this client speaks (tcp://host:port): " + offers;
}

}  // namespace parley::client
