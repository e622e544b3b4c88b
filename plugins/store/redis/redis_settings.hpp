#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <parley/config_node.hpp>

#include "redis_client_settings.hpp"

namespace parley::plugins::redis {

/// The plugin's settings, validated. docs/plugins/store-redis.md describes each one.
struct RedisSettings {
    RedisClientSettings client;
    std::string key_prefix = "parley:";
    std::chrono::milliseconds session_ttl{30000};
    /// Users whose location a node keeps (0: none; every lookup asks Redis).
    std::size_t locate_cache_size = 100000;
    /// How long a kept location serves at most, even if Redis never reports a change.
    std::chrono::milliseconds locate_cache_ttl{10000};
};

/// Reads the plugin's settings; throws ConfigError naming the bad key and its place.
RedisSettings read_redis_settings(const ConfigNode& settings);

}  // namespace parley::plugins::redis
