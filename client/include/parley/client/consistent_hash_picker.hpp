#pragma once

#include <optional>

#include <parley/client/hash_ring.hpp>
#include <parley/client/server_picker.hpp>

namespace parley::client {

/// The node a hash ring assigns to the user id: the same user goes to the same node for as
/// long as the node set stays the same, and a changed set moves few users. Avoiding a failed
/// node hands its users to their next node on the ring.
class ConsistentHashPicker final : public ServerPicker {
  public:
    explicit ConsistentHashPicker(int virtual_nodes = HashRing::kDefaultVirtualNodes)
        : virtual_nodes_(virtual_nodes) {}
    std::string_view name() const noexcept override { return "consistent-hash"; }

  protected:
    const ServiceInstance& choose(const std::vector<const ServiceInstance*>& candidates,
                                  UserId user) override;

  private:
    int virtual_nodes_;
    std::optional<HashRing> ring_;  ///< rebuilt only when the candidate set changes
};

}  // namespace parley::client
