#pragma once

#include <cstddef>

#include <parley/client/server_picker.hpp>

namespace parley::client {

/// The nodes in list order, one after the other, wrapping around: each reconnect moves on.
class RoundRobinPicker final : public ServerPicker {
  public:
    std::string_view name() const noexcept override { return "round-robin"; }

  protected:
    const ServiceInstance& choose(const std::vector<const ServiceInstance*>& candidates,
                                  UserId user) override;

  private:
    std::size_t next_ = 0;
};

}  // namespace parley::client
