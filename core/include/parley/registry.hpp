#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/subscription.hpp>

namespace parley {

/// The service every parleyd announces itself as, and the one clients look up.
inline constexpr const char* kParleyService = "parley.im";

/// One running instance of a service, as a registry lists it.
struct ServiceInstance {
    std::string service;  ///< e.g. kParleyService
    std::string id;       ///< unique within the service; parleyd uses its node id
    /// Where to reach it, with a scheme: "tcp://127.0.0.1:7400", later "ws://host:port/path".
    /// parse_service_endpoint (parley/endpoint.hpp) reads them.
    std::vector<std::string> endpoints;
    std::uint32_t load = 0;                       ///< e.g. sessions held; lower is better
    std::map<std::string, std::string> metadata;  ///< e.g. {"version": "1.4.0"}

    bool operator==(const ServiceInstance&) const = default;
};

/// Who provides which service. A process announces its own instances (one or several
/// services) and lists or watches others'. Thread safe; watch callbacks may come from any
/// thread.
class BOOST_SYMBOL_VISIBLE Registry {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "registry";
    using PluginInterface = Registry;

    virtual ~Registry();

    /// Announces `self` (or updates it when this registry announced the same service and id).
    virtual asio::awaitable<void> announce(ServiceInstance self) = 0;
    /// Updates the load of this registry's instance of `service`; cheap, may be called often.
    /// Ignored for a service it has not announced.
    virtual void report_load(const std::string& service, std::uint32_t load) = 0;
    /// The instances of `service` now, sorted by id (the static registry: in YAML order).
    virtual asio::awaitable<std::vector<ServiceInstance>> instances(std::string service) = 0;
    /// Calls `on_change` with all instances of `service` once known, then whenever they change.
    /// The calls stop when the returned handle is dropped or reset: once that returns no call
    /// starts, and a call in progress on another thread has finished. Drop it before the
    /// registry's plugin is unloaded.
    [[nodiscard]] virtual Subscription watch(
        std::string service, std::function<void(std::vector<ServiceInstance>)> on_change) = 0;
    /// Withdraws every instance this registry announced.
    virtual asio::awaitable<void> withdraw() = 0;
    /// Whether the backend can serve now, for the node's /readyz (docs/admin-http.md):
    /// completes when it can, throws Error(backend_unavailable) saying why not. Answers within
    /// the backend's own call time-out; may be called at any time from any thread. The default
    /// (for backends with nothing to reach) completes at once. Plugin API 5.
    virtual asio::awaitable<void> check_ready();
};

}  // namespace parley
