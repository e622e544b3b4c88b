#include <stdexcept>

#include <parley/client/endpoint.hpp>
#include <parley/client/fixed_discovery.hpp>

namespace parley::client {

FixedDiscovery::FixedDiscovery(const std::vector<std::string>& endpoints) {
    if (endpoints.empty()) {
        throw std::invalid_argument("no server to connect to: give at least one host:port");
    }
    for (const auto& endpoint : endpoints) {
        const std::string canonical = parse_endpoint(endpoint).to_string();
        nodes_.push_back(NodeInfo{canonical, {canonical}, 0});
    }
}

asio::awaitable<std::vector<NodeInfo>> FixedDiscovery::nodes() {
    co_return nodes_;
}

void FixedDiscovery::watch(std::function<void(std::vector<NodeInfo>)>) {
    // A fixed list never changes.
}

std::string FixedDiscovery::describe() const {
    return std::to_string(nodes_.size()) +
           (nodes_.size() == 1 ? " fixed server" : " fixed servers");
}

}  // namespace parley::client
