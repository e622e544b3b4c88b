#include <parley/client/registry_discovery.hpp>

namespace parley::client {

RegistryDiscovery::RegistryDiscovery(asio::any_io_executor executor,
                                     const host::PluginRequest& request,
                                     std::vector<std::filesystem::path> search_paths,
                                     std::string client_id)
    : loader_(std::move(search_paths)), plugin_name_(request.name) {
    // A client hosts one registry and nothing else: a configuration naming, say, a transport
    // plugin fails here with a clear message instead of half-working.
    host::Registrations registered({{std::string{Registry::kPluginKind}, host::Cardinality::one}},
                                   "the client");
    loader_.load(request, registered,
                 host::HostServices{std::move(executor), std::move(client_id)});
    registry_ = registered.one<Registry>();
    if (!registry_) {
        throw host::PluginError("registry plugin '" + request.name + "' (" +
                                loader_.resolve(request).string() +
                                ") loaded but registered no registry; is it a registry plugin?");
    }
}

RegistryDiscovery::~RegistryDiscovery() = default;

asio::awaitable<std::vector<ServiceInstance>> RegistryDiscovery::instances() {
    co_return co_await registry_->instances(kParleyService);
}

Subscription RegistryDiscovery::watch(std::function<void(std::vector<ServiceInstance>)> on_change) {
    return registry_->watch(kParleyService, std::move(on_change));
}

std::string RegistryDiscovery::describe() const {
    return "registry plugin '" + plugin_name_ + "'";
}

}  // namespace parley::client
