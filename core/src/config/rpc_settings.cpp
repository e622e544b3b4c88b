#include "config/rpc_settings.hpp"

#include <parley/endpoint.hpp>

#include "config/admin_settings.hpp"
#include "config/broker_config.hpp"

namespace parley::config {

RpcSettings parse_rpc_settings(const ConfigNode& node) {
    SettingsReader reader(node, "rpc settings");
    RpcSettings rpc;
    if (const ConfigNode* listen = reader.find("listen")) {
        rpc.listen = parse_endpoint(*listen);
    }
    if (const ConfigNode* advertise = reader.find("advertise")) {
        rpc.advertise = parse_advertised(*advertise);
    }
    if (const ConfigNode* token = reader.find("token")) {
        rpc.token = token->as_string();
        check_secret_token(*token, "rpc.token");
    }
    rpc.max_connections = static_cast<std::size_t>(reader.get_int(
        "max_connections", static_cast<std::int64_t>(rpc.max_connections), 1, 1'000'000));
    rpc.max_calls_per_connection = static_cast<std::size_t>(
        reader.get_int("max_calls_per_connection",
                       static_cast<std::int64_t>(rpc.max_calls_per_connection), 1, 65'536));
    rpc.max_timeout =
        reader.get_duration("max_timeout", rpc.max_timeout, std::chrono::milliseconds(1),
                            std::chrono::milliseconds(86'400'000));
    rpc.default_timeout = reader.get_duration("default_timeout", rpc.default_timeout,
                                              std::chrono::milliseconds(1), rpc.max_timeout);
    rpc.max_frame_size = static_cast<std::uint32_t>(
        reader.get_bytes("max_frame_size", rpc.max_frame_size, 1024, 64 * 1024 * 1024));
    reader.finish();
    return rpc;
}

}  // namespace parley::config
