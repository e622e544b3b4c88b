#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <parley/client/discovery.hpp>
#include <parley/host/plugin_loader.hpp>

namespace parley::client {

/// The instances of parley.im (and, through registry(), of any service) from a registry plugin
/// (registry-static, registry-zookeeper, ...), loaded with the daemon's own PluginLoader. The
/// loader is kept for the object's lifetime, so the plugin's library stays loaded while the
/// registry lives.
class RegistryDiscovery final : public Discovery {
  public:
    /// Loads the plugin `request` names, searching `search_paths`. `executor` is the client's
    /// loop, lent to the registry for its I/O; `client_id` is how the client names itself to
    /// the plugin. Call on the main thread before the loop runs. Throws host::PluginError
    /// (missing file, wrong kind or version, no registry set) or ConfigError (bad settings).
    RegistryDiscovery(asio::any_io_executor executor, const host::PluginRequest& request,
                      std::vector<std::filesystem::path> search_paths,
                      std::string client_id = "client");
    ~RegistryDiscovery() override;

    asio::awaitable<std::vector<ServiceInstance>> instances() override;
    Subscription watch(std::function<void(std::vector<ServiceInstance>)> on_change) override;
    std::string describe() const override;
    /// The registry the plugin set up, for finding other services (RPC: registry_targets).
    /// Valid while this object lives.
    const std::shared_ptr<Registry>& registry() const noexcept { return registry_; }

  private:
    host::PluginLoader loader_;  // declared first: destroyed after the registry it loaded
    std::shared_ptr<Registry> registry_;
    std::string plugin_name_;
};

}  // namespace parley::client
