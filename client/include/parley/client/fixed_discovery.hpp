#pragma once

#include <string>
#include <vector>

#include <parley/client/discovery.hpp>

namespace parley::client {

/// A fixed list of endpoints, e.g. from --server. Each endpoint is an instance of parley.im
/// whose id is the endpoint itself, "host:port" (the real node id arrives with the handshake
/// reply), and whose load is 0.
class FixedDiscovery final : public Discovery {
  public:
    /// Throws std::invalid_argument for an empty list or an endpoint that is neither
    /// "host:port" nor "tcp://host:port".
    explicit FixedDiscovery(const std::vector<std::string>& endpoints);

    asio::awaitable<std::vector<ServiceInstance>> instances() override;
    /// A fixed list never changes: never calls back.
    Subscription watch(std::function<void(std::vector<ServiceInstance>)> on_change) override;
    std::string describe() const override;

  private:
    std::vector<ServiceInstance> instances_;
};

}  // namespace parley::client
