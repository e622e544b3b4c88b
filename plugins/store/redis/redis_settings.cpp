#include "redis_settings.hpp"

#include <cstdint>

namespace parley::plugins::redis {

namespace {

constexpr std::chrono::milliseconds kShortestTtl{1000};
constexpr std::chrono::milliseconds kShortestCacheTtl{1};
constexpr std::int64_t kLargestLocateCache = 100'000'000;

}  // namespace

RedisSettings read_redis_settings(const ConfigNode& node) {
    SettingsReader reader(node, "store-redis settings");
    RedisSettings settings;
    settings.client.owner = "store-redis";
    read_client_settings(reader, settings.client);
    settings.key_prefix = reader.get_string("key_prefix", settings.key_prefix);
    settings.session_ttl = reader.get_duration("session_ttl", settings.session_ttl, kShortestTtl);
    settings.locate_cache_size = static_cast<std::size_t>(
        reader.get_int("locate_cache_size", static_cast<std::int64_t>(settings.locate_cache_size),
                       0, kLargestLocateCache));
    settings.locate_cache_ttl =
        reader.get_duration("locate_cache_ttl", settings.locate_cache_ttl, kShortestCacheTtl);
    reader.finish();
    return settings;
}

}  // namespace parley::plugins::redis
