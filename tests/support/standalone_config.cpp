#include "support/standalone_config.hpp"

#include <sstream>

#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

// YAML double-quoted scalar; enough escaping for paths and the odd test string.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::vector<std::string> quoted_all(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    out.reserve(items.size());
    for (const auto& item : items) {
        out.push_back(quoted(item));
    }
    return out;
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

template <typename T>
void put(std::ostringstream& out, const char* key, const std::optional<T>& value) {
    if (value) {
        out << "  " << key << ": " << *value << "\n";
    }
}

}  // namespace

std::string standalone_yaml(const StandaloneConfig& config) {
    std::ostringstream out;
    out << "node:\n  id: " << quoted(config.node_id) << "\n";

    std::vector<std::string> listen = quoted_all(config.listen);
    listen.insert(listen.end(), config.extra_listeners.begin(), config.extra_listeners.end());
    out << "server:\n  listen: [" << joined(listen) << "]\n";
    put(out, "threads", config.threads);
    put(out, "heartbeat_interval", config.heartbeat_interval);
    put(out, "idle_heartbeats", config.idle_heartbeats);
    put(out, "handshake_timeout", config.handshake_timeout);
    put(out, "max_frame_size", config.max_frame_size);
    put(out, "write_queue_limit", config.write_queue_limit);
    put(out, "shutdown_grace", config.shutdown_grace);
    for (const auto& setting : config.server_settings) {
        out << "  " << setting << "\n";
    }

    out << "logging:\n  level: " << config.log_level << "\n";

    out << "plugins:\n  paths: [" << joined(quoted_all(config.plugin_paths)) << "]\n";

    out << "transport: {plugin: local}\n"
        << "registry: {plugin: static}\n";
    if (config.store_settings.empty()) {
        out << "store: {plugin: memory}\n";
    } else {
        out << "store: {plugin: memory, settings: {" << joined(config.store_settings) << "}}\n";
    }

    out << "handlers:\n";
    std::vector<std::string> handshake = config.handshake_settings;
    if (config.duplicate_login) {
        handshake.push_back("duplicate_login: " + *config.duplicate_login);
    }
    out << "  - {plugin: handshake, settings: {" << joined(handshake) << "}}\n";
    out << "  - heartbeat\n  - private\n  - group\n  - presence\n";
    for (const auto& handler : config.extra_handlers) {
        out << "  - " << handler << "\n";
    }

    out << "interceptors: [" << joined(config.interceptors) << "]\n";

    out << config.extra_yaml;
    return out.str();
}

std::filesystem::path write_standalone_config(const std::filesystem::path& path,
                                              const StandaloneConfig& config) {
    return write_file(path, standalone_yaml(config));
}

}  // namespace parley::test
