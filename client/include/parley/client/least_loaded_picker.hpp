#pragma once

#include <cstdint>
#include <random>

#include <parley/client/server_picker.hpp>

namespace parley::client {

/// The node announcing the lowest ServiceInstance::load. Ties are broken at random, so clients that
/// read the same registry snapshot do not all land on the same node.
class LeastLoadedPicker final : public ServerPicker {
  public:
    explicit LeastLoadedPicker(std::uint64_t seed) : random_(seed) {}
    std::string_view name() const noexcept override { return "least-loaded"; }

  protected:
    const ServiceInstance& choose(const std::vector<const ServiceInstance*>& candidates,
                                  UserId user) override;

  private:
    std::mt19937_64 random_;
};

}  // namespace parley::client
