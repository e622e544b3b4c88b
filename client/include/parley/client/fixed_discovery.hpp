#pragma once

#include <string>
#include <vector>

#include <parley/client/discovery.hpp>

namespace parley::client {

/// A fixed list of endpoints, e.g. from --server. Each endpoint is a node whose id is the
/// endpoint itself (the real node id arrives with the handshake reply) and whose load is 0.
class FixedDiscovery final : public Discovery {
  public:
    /// Throws std::invalid_argument for an empty list or an endpoint that is not "host:port".
    explicit FixedDiscovery(const std::vector<std::string>& endpoints);

    asio::awaitable<std::vector<NodeInfo>> nodes() override;
    void watch(std::function<void(std::vector<NodeInfo>)> on_change) override;
    std::string describe() const override;

  private:
    std::vector<NodeInfo> nodes_;
};

}  // namespace parley::client
