#include "config/broker_config.hpp"

#include <algorithm>

#include <parley/endpoint.hpp>
#include <parley/frame.hpp>

namespace parley::config {
namespace {

std::vector<std::string> log_levels() {
    return {"trace", "debug", "info", "warn", "error", "critical", "off"};
}

void parse_connection_limits(SettingsReader& reader, ServerSettings& server) {
    ConnectionLimits& connections = server.connections;
    connections.max_connections = static_cast<std::size_t>(reader.get_int(
        "max_connections", static_cast<std::int64_t>(connections.max_connections), 1, 10'000'000));
    connections.max_connections_per_address = static_cast<std::size_t>(reader.get_int(
        "max_connections_per_address",
        static_cast<std::int64_t>(connections.max_connections_per_address), 1, 10'000'000));
    connections.max_prelogin_connections = static_cast<std::size_t>(reader.get_int(
        "max_prelogin_connections", static_cast<std::int64_t>(connections.max_prelogin_connections),
        1, 10'000'000));
    LoginThrottleSettings& throttle = server.login_throttle;
    // get_double refuses nan and inf; the range check refuses what would disable the bucket.
    throttle.failed_login_rate = reader.get_double("failed_login_rate", throttle.failed_login_rate);
    if (const ConfigNode* rate = reader.find("failed_login_rate");
        rate && !(throttle.failed_login_rate > 0 && throttle.failed_login_rate <= 1e6)) {
        rate->fail("failed_login_rate must be positive (failed logins per second and address)");
    }
    throttle.failed_login_burst = static_cast<unsigned>(
        reader.get_int("failed_login_burst", throttle.failed_login_burst, 1, 1'000'000));
}

void parse_fan_out_limits(SettingsReader& reader, FanOutLimits& limits) {
    constexpr std::int64_t kMaxMessages = 100'000'000;
    limits.group_messages = static_cast<std::size_t>(reader.get_int(
        "max_group_backlog", static_cast<std::int64_t>(limits.group_messages), 1, kMaxMessages));
    limits.group_bytes =
        reader.get_bytes("max_group_backlog_bytes", limits.group_bytes, 1, std::uint64_t{1} << 40);
    limits.node_messages = static_cast<std::size_t>(reader.get_int(
        "max_fan_out_backlog", static_cast<std::int64_t>(limits.node_messages), 1, kMaxMessages));
    limits.node_bytes =
        reader.get_bytes("max_fan_out_backlog_bytes", limits.node_bytes, 1, std::uint64_t{1} << 40);
}

/// The longest any of the server's time limits may be.
constexpr std::chrono::hours kLongest{24};

ServerSettings parse_server(const ConfigNode& node) {
    SettingsReader reader(node, "server settings");
    ServerSettings server;
    const ConfigNode& listen = reader.require("listen");
    for (const auto& item : listen.items()) {
        server.listen.push_back(parse_listen_entry(item));
    }
    if (server.listen.empty()) {
        listen.fail("server.listen needs at least one \"host:port\"");
    }
    if (const ConfigNode* advertise = reader.find("advertise")) {
        for (const auto& item : advertise->items()) {
            server.advertise.push_back(parse_advertised(item));
        }
    }
    server.threads = static_cast<unsigned>(reader.get_int("threads", 0, 0, 256));
    SessionLimits& limits = server.session;
    // Checked before narrowing, so that 4GiB + 1 is refused rather than read as 1 byte.
    const std::uint64_t max_frame_size = reader.get_bytes("max_frame_size", limits.max_frame_size);
    if (max_frame_size == 0 || max_frame_size > 64U * 1024 * 1024) {
        reader.find("max_frame_size")->fail("max_frame_size must be between 1 byte and 64MiB");
    }
    limits.max_frame_size = static_cast<std::uint32_t>(max_frame_size);
    limits.prelogin_max_frame_size = static_cast<std::uint32_t>(std::min<std::uint64_t>(
        reader.get_bytes("prelogin_max_frame_size", limits.prelogin_max_frame_size),
        std::uint64_t{64} * 1024 * 1024 + 1));
    if (const ConfigNode* value = reader.find("prelogin_max_frame_size");
        value && (limits.prelogin_max_frame_size < 64 ||
                  limits.prelogin_max_frame_size > limits.max_frame_size)) {
        value->fail("prelogin_max_frame_size must be between 64 bytes and max_frame_size");
    }
    // A max_frame_size below the default pre-login one lowers that too.
    limits.prelogin_max_frame_size =
        std::min(limits.prelogin_max_frame_size, limits.max_frame_size);
    limits.write_queue_limit = reader.get_bytes("write_queue_limit", limits.write_queue_limit);
    if (limits.write_queue_limit < limits.max_frame_size + kFrameHeaderSize) {
        (reader.find("write_queue_limit") ? *reader.find("write_queue_limit") : node)
            .fail("write_queue_limit must hold at least one frame of max_frame_size");
    }
    limits.handshake_timeout = reader.get_duration("handshake_timeout", limits.handshake_timeout);
    limits.heartbeat_interval =
        reader.get_duration("heartbeat_interval", limits.heartbeat_interval);
    limits.idle_heartbeats =
        static_cast<unsigned>(reader.get_int("idle_heartbeats", limits.idle_heartbeats, 1, 100));
    limits.frame_timeout = reader.get_duration("frame_timeout", limits.frame_timeout);
    limits.max_failed_logins = static_cast<unsigned>(
        reader.get_int("max_failed_logins", limits.max_failed_logins, 1, 1000));
    limits.failed_login_delay =
        reader.get_duration("failed_login_delay", limits.failed_login_delay,
                            std::chrono::milliseconds(0), std::chrono::milliseconds(10000));
    limits.max_queued_output = reader.get_bytes("max_queued_output", limits.max_queued_output);
    if (limits.max_queued_output < limits.write_queue_limit) {
        (reader.find("max_queued_output") ? *reader.find("max_queued_output") : node)
            .fail("max_queued_output must be at least write_queue_limit");
    }
    parse_connection_limits(reader, server);
    parse_fan_out_limits(reader, server.fan_out);
    server.group_routing_by_interest =
        reader.get_choice("group_routing", "interest", {"interest", "broadcast"}) == "interest";
    server.group_routing_max_members = static_cast<std::uint32_t>(
        reader.get_int("group_routing_max_members", server.group_routing_max_members, 1, 1000000));
    server.shutdown_grace = reader.get_duration("shutdown_grace", server.shutdown_grace);
    for (const auto* key : {"handshake_timeout", "heartbeat_interval", "frame_timeout"}) {
        if (const ConfigNode* value = reader.find(key);
            value && value->as_duration().count() <= 0) {
            value->fail(std::string{key} + " must be positive");
        }
    }
    // Clients are told heartbeat_interval in 32-bit milliseconds (49 days at most), and each
    // limit is added to the clock: a day is more than any of them needs.
    for (const auto* key :
         {"handshake_timeout", "heartbeat_interval", "frame_timeout", "shutdown_grace"}) {
        if (const ConfigNode* value = reader.find(key); value && value->as_duration() > kLongest) {
            value->fail(std::string{key} + " must be at most 24h, not " +
                        std::to_string(value->as_duration().count()) + " ms");
        }
    }
    reader.finish();
    return server;
}

std::vector<std::filesystem::path> parse_plugin_paths(const ConfigNode& node) {
    SettingsReader reader(node, "plugins settings");
    std::vector<std::filesystem::path> paths;
    if (const ConfigNode* list = reader.find("paths")) {
        for (const auto& item : list->items()) {
            std::filesystem::path path = item.as_string();
            // A relative path is relative to the file that names it, not to the working dir.
            if (path.is_relative() && item.location().file) {
                path = std::filesystem::path(*item.location().file).parent_path() / path;
            }
            paths.push_back(path.lexically_normal());
        }
    }
    reader.finish();
    return paths;
}

std::vector<host::PluginRequest> parse_plugin_list(const std::string& kind,
                                                   const ConfigNode* node) {
    std::vector<host::PluginRequest> requests;
    if (node == nullptr) {
        return requests;
    }
    for (const auto& item : node->items()) {
        requests.push_back(host::parse_plugin_request(kind, item));
    }
    return requests;
}

}  // namespace

ListenEndpoint parse_listen_entry(const ConfigNode& node) {
    if (!node.is_map()) {
        return parse_endpoint(node);
    }
    SettingsReader reader(node, "listen entry");
    ListenEndpoint endpoint = parse_endpoint(reader.require("address"));
    if (const ConfigNode* protocol = reader.find("protocol")) {
        endpoint.protocol = protocol->as_string();
        if (endpoint.protocol != "tcp" && endpoint.protocol != "tls" && endpoint.protocol != "ws" &&
            endpoint.protocol != "wss") {
            protocol->fail("unknown protocol '" + endpoint.protocol +
                           "' (expected tcp, tls, ws or wss)");
        }
    }
    const bool over_tls = endpoint.protocol == "tls" || endpoint.protocol == "wss";
    const bool websocket = endpoint.protocol == "ws" || endpoint.protocol == "wss";
    if (const ConfigNode* tls = reader.find("tls")) {
        if (!over_tls) {
            tls->fail("tls settings need protocol tls or wss, not " + endpoint.protocol);
        }
        endpoint.tls = parse_tls_settings(*tls);
    } else if (over_tls) {
        node.fail("protocol " + endpoint.protocol +
                  " needs tls settings: {certificate: FILE, key: FILE}");
    }
    if (const ConfigNode* ws = reader.find("websocket")) {
        if (!websocket) {
            ws->fail("websocket settings need protocol ws or wss, not " + endpoint.protocol);
        }
        endpoint.websocket = parse_websocket_settings(*ws);
    } else if (websocket) {
        endpoint.websocket = WebSocketSettings{};
    }
    reader.finish();
    endpoint.where = node.location();
    return endpoint;
}

std::string parse_advertised(const ConfigNode& node) {
    const std::string text = node.as_string();
    if (auto problem = service_endpoint_problem(text); !problem.empty()) {
        node.fail("bad advertised address '" + text + "': " + problem +
                  " (expected \"host:port\" or \"tcp://host:port\" that clients can reach, "
                  "e.g. \"chat-1.example.com:7400\")");
    }
    return parse_service_endpoint(text).to_string();
}

ListenEndpoint parse_endpoint(const ConfigNode& node) {
    const std::string text = node.as_string();
    if (auto problem = endpoint_problem(text, PortZero::allowed); !problem.empty()) {
        node.fail("bad listen address '" + text + "': " + problem +
                  " (expected \"host:port\", e.g. \"127.0.0.1:7400\")");
    }
    const Endpoint endpoint = parley::parse_endpoint(text, PortZero::allowed);
    ListenEndpoint listen;
    listen.host = endpoint.host;
    listen.port = endpoint.port;
    listen.where = node.location();
    return listen;
}

BrokerConfig parse_broker_config(const ConfigNode& root) {
    if (!root.is_map()) {
        root.fail(
            "the configuration must be a map with node, server, transport, registry, "
            "store and handlers sections");
    }
    SettingsReader reader(root, "the configuration");
    BrokerConfig config;

    SettingsReader node_reader(reader.require("node"), "node settings");
    config.node_id = node_reader.require("id").as_string();
    if (config.node_id.empty()) {
        node_reader.require("id").fail("node.id must not be empty");
    }
    node_reader.finish();

    config.server = parse_server(reader.require("server"));

    if (const ConfigNode* admin = reader.find("admin")) {
        config.admin = parse_admin_settings(*admin);
    }
    if (const ConfigNode* rpc = reader.find("rpc")) {
        config.rpc = parse_rpc_settings(*rpc);
    }
    if (const ConfigNode* logging = reader.find("logging")) {
        SettingsReader log_reader(*logging, "logging settings");
        config.log_level = log_reader.get_choice("level", config.log_level, log_levels());
        log_reader.finish();
    }
    if (const ConfigNode* plugins = reader.find("plugins")) {
        config.plugin_paths = parse_plugin_paths(*plugins);
    }

    config.transport = host::parse_plugin_request("transport", reader.require("transport"));
    config.registry = host::parse_plugin_request("registry", reader.require("registry"));
    config.store = host::parse_plugin_request("store", reader.require("store"));
    // null (`message_log: ~`) in a later file turns off a log an earlier one set.
    if (const ConfigNode* log = reader.find("message_log"); log != nullptr && !log->is_null()) {
        config.message_log = host::parse_plugin_request("message-log", *log);
    }
    config.handlers = parse_plugin_list("handler", &reader.require("handlers"));
    config.interceptors = parse_plugin_list("interceptor", reader.find("interceptors"));
    config.services = parse_plugin_list("service", reader.find("services"));
    if (!config.services.empty() && !config.rpc.listen) {
        reader.require("services")
            .fail(
                "services are hosted on the RPC listener: set rpc.listen (e.g. "
                "\"127.0.0.1:7500\")");
    }
    reader.finish();
    return config;
}

}  // namespace parley::config
