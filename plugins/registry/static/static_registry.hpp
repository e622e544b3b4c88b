#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <parley/registry.hpp>
#include <parley/service_watch.hpp>

namespace parley::plugins::static_registry {

/// A Registry whose instances come from the configuration. What this process announces is
/// updated in (or added to) its service's list and removed again by withdraw(), so a standalone
/// node needs no list at all and a client needs no server.
///
/// Thread safe. Watch callbacks run on the thread that made the change (the first one on the
/// thread calling watch()), one notification at a time, each with the list as it is then, so a
/// watcher never sees an older list after a newer one. Callbacks may call back into the registry
/// (and drop their own Subscription) but must not throw.
class StaticRegistry final : public Registry {
  public:
    explicit StaticRegistry(std::map<std::string, std::vector<ServiceInstance>> services);

    /// Takes the endpoints, load and metadata of `self`; endpoints and metadata stay as
    /// configured when `self` has none.
    asio::awaitable<void> announce(ServiceInstance self) override;
    /// Ignored for a service not announced (or withdrawn); watchers hear of it only when the
    /// load actually changed.
    void report_load(const std::string& service, std::uint32_t load) override;
    asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) override;
    /// Calls `on_change` at once with the current list, then after every change to `service`.
    Subscription watch(std::string service,
                       std::function<void(std::vector<ServiceInstance>)> on_change) override;
    asio::awaitable<void> withdraw() override;

  private:
    void notify(const std::string& service);

    std::mutex mutex_;  ///< guards the three members below; never held during a callback
    std::map<std::string, std::vector<ServiceInstance>> services_;
    std::map<std::string, std::string> announced_;  ///< service -> the id announced in it
    std::vector<std::shared_ptr<ServiceWatch>> watches_;

    /// Serialises notifications; recursive so a callback may change the registry.
    std::recursive_mutex notify_mutex_;
};

}  // namespace parley::plugins::static_registry
