#include "redis_settings.hpp"

namespace parley::plugins::redis {

namespace {

constexpr std::chrono::milliseconds kShortestTtl{1000};

}  // namespace

RedisSettings read_redis_settings(const ConfigNode& node) {
    SettingsReader reader(node, "store-redis settings");
    RedisSettings settings;
    settings.client.owner = "store-redis";
    read_client_settings(reader, settings.client);
    settings.key_prefix = reader.get_string("key_prefix", settings.key_prefix);
    settings.session_ttl = reader.get_duration("session_ttl", settings.session_ttl, kShortestTtl);
    reader.finish();
    return settings;
}

}  // namespace parley::plugins::redis
