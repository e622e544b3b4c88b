#include "redis_settings.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace parley::plugins::redis {

namespace {

constexpr std::chrono::milliseconds kShortestTtl{1000};

/// Runs `read` on the value under `key` and names the key in any error it reports, so
/// "value 0 is out of range" reads "store-redis settings: pool_size: value 0 is out of range".
template <typename T, typename Read>
T read_named(SettingsReader& reader, std::string_view key, T fallback, Read read) {
    const ConfigNode* node = reader.find(key);
    if (node == nullptr) {
        return fallback;
    }
    try {
        return read(*node);
    } catch (const ConfigError& e) {
        std::string message = e.what();
        const std::string place = node->location().to_string() + ": ";
        if (message.starts_with(place)) {
            message.erase(0, place.size());
        }
        node->fail("store-redis settings: " + std::string{key} + ": " + message);
    }
}

std::chrono::milliseconds duration_at_least(SettingsReader& reader, std::string_view key,
                                            std::chrono::milliseconds fallback,
                                            std::chrono::milliseconds least) {
    return read_named(reader, key, fallback, [least](const ConfigNode& node) {
        const std::chrono::milliseconds value = node.as_duration();
        if (value < least) {
            node.fail("must be at least " + std::to_string(least.count()) + "ms");
        }
        return value;
    });
}

Endpoint read_address(const ConfigNode& node) {
    const std::string text = node.as_string();
    const std::string problem = endpoint_problem(text);
    if (!problem.empty()) {
        node.fail("bad address '" + text + "': " + problem +
                  " (expected \"host:port\", e.g. \"127.0.0.1:6379\")");
    }
    return parse_endpoint(text);
}

}  // namespace

RedisSettings read_redis_settings(SettingsReader& reader) {
    RedisSettings settings;
    settings.address = read_named(reader, "address", settings.address, read_address);
    settings.password = read_named(reader, "password", settings.password,
                                   [](const ConfigNode& node) { return node.as_string(); });
    settings.database =
        read_named(reader, "database", settings.database, [](const ConfigNode& node) {
            return static_cast<int>(node.as_int(0, std::numeric_limits<std::int32_t>::max()));
        });
    settings.key_prefix = read_named(reader, "key_prefix", settings.key_prefix,
                                     [](const ConfigNode& node) { return node.as_string(); });
    settings.pool_size = read_named(
        reader, "pool_size", settings.pool_size,
        [](const ConfigNode& node) { return static_cast<std::size_t>(node.as_int(1, 64)); });
    constexpr std::chrono::milliseconds kOneMs{1};
    settings.connect_timeout =
        duration_at_least(reader, "connect_timeout", settings.connect_timeout, kOneMs);
    settings.command_timeout =
        duration_at_least(reader, "command_timeout", settings.command_timeout, kOneMs);
    settings.session_ttl =
        duration_at_least(reader, "session_ttl", settings.session_ttl, kShortestTtl);
    return settings;
}

}  // namespace parley::plugins::redis
