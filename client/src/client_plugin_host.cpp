#include <parley/client/client_plugin_host.hpp>
#include <parley/host/plugin_loader.hpp>

namespace parley::client {

ClientPluginHost::ClientPluginHost(asio::any_io_executor executor, std::string node_id)
    : executor_(std::move(executor)), node_id_(std::move(node_id)) {}

ClientPluginHost::~ClientPluginHost() = default;

void ClientPluginHost::set_registry(std::shared_ptr<Registry> registry) {
    if (registry_) {
        throw host::PluginError("a registry plugin set a second registry; the client uses one");
    }
    registry_ = std::move(registry);
}

void ClientPluginHost::refuse(const char* what) {
    throw host::PluginError(std::string("the client hosts registry plugins only, but this plugin "
                                        "tried to add ") +
                            what + "; name a registry plugin under 'registry:'");
}

void ClientPluginHost::add_handler(FrameType, std::shared_ptr<Handler>) {
    refuse("a handler");
}

void ClientPluginHost::add_interceptor(std::shared_ptr<Interceptor>) {
    refuse("an interceptor");
}

void ClientPluginHost::set_transport(std::shared_ptr<Transport>) {
    refuse("a transport");
}

void ClientPluginHost::set_store(std::shared_ptr<Store>) {
    refuse("a store");
}

}  // namespace parley::client
