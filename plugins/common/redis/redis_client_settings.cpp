#include "redis_client_settings.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace parley::plugins::redis {

namespace {

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

void read_client_settings(SettingsReader& reader, RedisClientSettings& settings) {
    if (const ConfigNode* address = reader.find("address")) {
        settings.address = read_address(*address);
    }
    settings.password = reader.get_string("password", settings.password);
    settings.database = static_cast<int>(
        reader.get_int("database", settings.database, 0, std::numeric_limits<std::int32_t>::max()));
    settings.pool_size = static_cast<std::size_t>(
        reader.get_int("pool_size", static_cast<std::int64_t>(settings.pool_size), 1, 64));
    constexpr std::chrono::milliseconds kOneMs{1};
    settings.connect_timeout =
        reader.get_duration("connect_timeout", settings.connect_timeout, kOneMs);
    settings.command_timeout =
        reader.get_duration("command_timeout", settings.command_timeout, kOneMs);
}

}  // namespace parley::plugins::redis
