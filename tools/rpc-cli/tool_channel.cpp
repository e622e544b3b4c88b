#include "tool_channel.hpp"

#include <parley/client/client_config.hpp>
#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>

#include "tool_error.hpp"

namespace parley::rpc_cli {
namespace {

/// The registry a client configuration names, loaded as parley-cli loads it.
std::shared_ptr<client::RegistryDiscovery> load_registry(const std::filesystem::path& file,
                                                         asio::any_io_executor executor) {
    try {
        const client::ClientConfig config = client::load_client_config(file);
        if (!config.registry) {
            throw ToolError(ExitStatus::usage,
                            file.string() +
                                " lists 'servers' (parley.im endpoints), not a 'registry'; give "
                                "an RPC listener with --server instead");
        }
        return std::dynamic_pointer_cast<client::RegistryDiscovery>(
            client::make_discovery(config, std::move(executor), "parley-rpc"));
    } catch (const ConfigError& e) {
        throw ToolError(ExitStatus::usage, e.what());
    } catch (const host::PluginError& e) {
        throw ToolError(ExitStatus::usage, e.what());
    }
}

}  // namespace

ToolChannel::ToolChannel(const RpcOptions& options) : options_(options), work_(io_.get_executor()) {
    std::shared_ptr<client::RpcTargets> targets;
    try {
        if (options.config) {
            discovery_ = load_registry(*options.config, io_.get_executor());
            targets = client::registry_targets(discovery_->registry());
        } else {
            targets = client::fixed_targets(options.servers);
        }
        client::RpcChannelOptions channel_options;
        channel_options.default_timeout = options.timeout;
        channel_options.token = options.token;
        if (options.policy) {
            channel_options.policy = *options.policy;
        }
        channel_ = std::make_unique<client::RpcChannel>(io_.get_executor(), std::move(targets),
                                                        channel_options);
    } catch (const std::invalid_argument& e) {
        throw ToolError(ExitStatus::usage, e.what());
    }
    thread_ = std::thread([this] { io_.run(); });
}

ToolChannel::~ToolChannel() {
    channel_.reset();
    work_.reset();
    io_.stop();
    thread_.join();
}

void ToolChannel::call(const google::protobuf::MethodDescriptor& method,
                       const google::protobuf::Message& request, google::protobuf::Message& reply) {
    RpcCall call;
    call.set_timeout(options_.timeout);
    call.set_idempotent(options_.idempotent);
    channel_->CallMethod(&method, &call, &request, &reply, nullptr);
    if (call.Failed()) {
        throw CallFailed(call.code(), call.ErrorText());
    }
}

rpc::v1::ListServicesReply ToolChannel::list_services() {
    const rpc::v1::ListServicesRequest request;
    rpc::v1::ListServicesReply reply;
    call(*rpc::v1::Reflection::descriptor()->FindMethodByName("ListServices"), request, reply);
    return reply;
}

}  // namespace parley::rpc_cli
