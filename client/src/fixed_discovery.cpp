#include <stdexcept>

#include <parley/client/endpoint.hpp>
#include <parley/client/fixed_discovery.hpp>

namespace parley::client {

FixedDiscovery::FixedDiscovery(const std::vector<std::string>& endpoints) {
    if (endpoints.empty()) {
        throw std::invalid_argument("no server to connect to: give at least one host:port");
    }
    for (const auto& text : endpoints) {
        const ServiceEndpoint endpoint = parse_service_endpoint(text);
        if (endpoint.scheme != "tcp" && endpoint.scheme != "tls") {
            throw std::invalid_argument("cannot connect to '" + text + "': this client speaks " +
                                        "tcp and tls only (host:port, tcp://host:port or "
                                        "tls://host:port)");
        }
        instances_.push_back(ServiceInstance{
            kParleyService, endpoint.address.to_string(), {endpoint.to_string()}, 0, {}});
    }
}

asio::awaitable<std::vector<ServiceInstance>> FixedDiscovery::instances() {
    co_return instances_;
}

Subscription FixedDiscovery::watch(std::function<void(std::vector<ServiceInstance>)>) {
    return {};
}

std::string FixedDiscovery::describe() const {
    return std::to_string(instances_.size()) +
           (instances_.size() == 1 ? " fixed server" : " fixed servers");
}

}  // namespace parley::client
