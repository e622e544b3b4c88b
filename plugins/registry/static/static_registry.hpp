#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <parley/registry.hpp>

namespace parley::plugins::static_registry {

/// A Registry whose nodes come from the configuration. The node that announces itself is
/// updated in (or added to) that list and removed again by withdraw(), so a standalone node
/// needs no list at all and a client needs no server.
///
/// Thread safe. Watch callbacks run on the thread that made the change (the first one on the
/// thread calling watch()), one notification at a time, each with the list as it is then, so a
/// watcher never sees an older list after a newer one. Callbacks may call back into the registry
/// but must not throw.
class StaticRegistry final : public Registry {
  public:
    explicit StaticRegistry(std::vector<NodeInfo> nodes);

    /// Takes the endpoints and load of `self`; endpoints stay as configured when `self` has none.
    asio::awaitable<void> announce(NodeInfo self) override;
    /// Ignored before announce() and after withdraw(); watchers hear of it only when the load
    /// actually changed.
    void report_load(std::uint32_t load) override;
    asio::awaitable<std::vector<NodeInfo>> nodes() override;
    /// Calls `on_change` at once with the current list, then after every change.
    void watch(std::function<void(std::vector<NodeInfo>)> on_change) override;
    asio::awaitable<void> withdraw() override;

  private:
    using Watcher = std::function<void(std::vector<NodeInfo>)>;

    void notify_all();

    std::mutex mutex_;  ///< guards the three members below; never held during a callback
    std::vector<NodeInfo> nodes_;
    std::optional<std::string> self_id_;
    std::vector<std::shared_ptr<const Watcher>> watchers_;

    /// Serialises notifications; recursive so a callback may change the registry.
    std::recursive_mutex notify_mutex_;
};

}  // namespace parley::plugins::static_registry
