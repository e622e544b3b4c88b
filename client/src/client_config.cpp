#include <limits>
#include <stdexcept>

#include <parley/client/client_config.hpp>
#include <parley/client/endpoint.hpp>
#include <parley/client/fixed_discovery.hpp>
#include <parley/client/registry_discovery.hpp>
#include <parley/client/server_picker.hpp>

namespace parley::client {
namespace {

std::filesystem::path relative_to(const std::filesystem::path& path,
                                  const std::filesystem::path& base_dir) {
    return path.empty() || path.is_absolute() ? path : base_dir / path;
}

std::vector<std::string> read_servers(const ConfigNode& node) {
    std::vector<std::string> servers;
    for (const auto& item : node.items()) {
        try {
            servers.push_back(parse_endpoint(item.as_string()).to_string());
        } catch (const std::invalid_argument& e) {
            item.fail(e.what());
        }
    }
    if (servers.empty()) {
        node.fail("'servers' is empty; list at least one host:port");
    }
    return servers;
}

BackoffOptions read_backoff(const ConfigNode& node) {
    BackoffOptions backoff;
    SettingsReader reader(node, "backoff settings");
    backoff.initial = reader.get_duration("initial", backoff.initial);
    backoff.max = reader.get_duration("max", backoff.max);
    if (const ConfigNode* multiplier = reader.find("multiplier")) {
        backoff.multiplier = multiplier->as_double();
    }
    reader.finish();
    try {
        Backoff check(backoff);
    } catch (const std::invalid_argument& e) {
        node.fail(e.what());
    }
    return backoff;
}

}  // namespace

ClientConfig parse_client_config(const ConfigNode& root, const std::filesystem::path& base_dir) {
    ClientConfig config;
    SettingsReader reader(root, "client configuration");

    const ConfigNode* servers = reader.find("servers");
    const ConfigNode* registry = reader.find("registry");
    if (servers != nullptr && registry != nullptr) {
        registry->fail("give either 'servers' or 'registry', not both");
    }
    if (servers != nullptr) {
        config.servers = read_servers(*servers);
    } else if (registry != nullptr) {
        config.registry = host::parse_plugin_request("registry", *registry);
        config.registry->explicit_path = relative_to(config.registry->explicit_path, base_dir);
    } else {
        root.fail(
            "the client configuration names no servers: add 'servers: [\"host:port\"]' or "
            "'registry: {plugin: static, settings: {...}}'");
    }

    if (const ConfigNode* policy = reader.find("policy")) {
        config.policy = policy->as_string();
        try {
            make_server_picker(config.policy, 0);
        } catch (const std::invalid_argument& e) {
            policy->fail(e.what());
        }
    }
    if (const ConfigNode* paths = reader.find("plugin_paths")) {
        for (const auto& path : paths->as_string_list()) {
            config.plugin_paths.push_back(relative_to(path, base_dir));
        }
    }

    ClientOptions& options = config.options;
    options.user_id =
        static_cast<UserId>(reader.get_int("user", kNoUser, 0, std::numeric_limits<UserId>::max()));
    options.token = reader.get_string("token", options.token);
    options.client_name = reader.get_string("client_name", options.client_name);
    if (const ConfigNode* heartbeat = reader.find("heartbeat_interval")) {
        options.heartbeat_interval = heartbeat->as_duration();
        if (options.heartbeat_interval->count() <= 0) {
            heartbeat->fail("heartbeat_interval must be positive");
        }
    }
    options.max_missed_heartbeats = static_cast<int>(
        reader.get_int("max_missed_heartbeats", options.max_missed_heartbeats, 1, 1000));
    options.reconnect = reader.get_bool("reconnect", options.reconnect);
    if (const ConfigNode* backoff = reader.find("backoff")) {
        options.backoff = read_backoff(*backoff);
    }
    if (const ConfigNode* timeout = reader.find("connect_timeout")) {
        options.connect_timeout = timeout->as_duration();
        if (options.connect_timeout.count() <= 0) {
            timeout->fail("connect_timeout must be positive");
        }
    }
    if (const ConfigNode* tls = reader.find("tls")) {
        SettingsReader tls_reader(*tls, "tls settings");
        options.tls.ca_file = tls_reader.get_string("ca", options.tls.ca_file);
        options.tls.certificate_file =
            tls_reader.get_string("certificate", options.tls.certificate_file);
        options.tls.key_file = tls_reader.get_string("key", options.tls.key_file);
        options.tls.verify = !tls_reader.get_bool("insecure", !options.tls.verify);
        tls_reader.finish();
    }
    options.resync_interval = reader.get_duration("resync_interval", options.resync_interval,
                                                  std::chrono::milliseconds(0));
    reader.finish();
    return config;
}

ClientConfig load_client_config(const std::filesystem::path& file) {
    return parse_client_config(ConfigNode::parse_file(file), file.parent_path());
}

std::shared_ptr<Discovery> make_discovery(const ClientConfig& config,
                                          asio::any_io_executor executor, std::string client_id) {
    if (!config.registry) {
        return std::make_shared<FixedDiscovery>(config.servers);
    }
    std::vector<std::filesystem::path> paths = config.plugin_paths;
    for (auto& path : host::default_plugin_paths()) {
        paths.push_back(std::move(path));
    }
    return std::make_shared<RegistryDiscovery>(std::move(executor), *config.registry,
                                               std::move(paths), std::move(client_id));
}

}  // namespace parley::client
