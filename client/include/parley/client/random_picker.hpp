#pragma once

#include <cstdint>
#include <random>

#include <parley/client/server_picker.hpp>

namespace parley::client {

/// Any node, uniformly at random: spreads many clients evenly without shared state.
class RandomPicker final : public ServerPicker {
  public:
    explicit RandomPicker(std::uint64_t seed) : random_(seed) {}
    std::string_view name() const noexcept override { return "random"; }

  protected:
    const ServiceInstance& choose(const std::vector<const ServiceInstance*>& candidates,
                                  UserId user) override;

  private:
    std::mt19937_64 random_;
};

}  // namespace parley::client
