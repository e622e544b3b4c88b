#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <parley/config_node.hpp>
#include <parley/endpoint.hpp>

namespace parley::plugins::redis {

/// The plugin's settings, validated. docs/plugins/store-redis.md describes each one.
struct RedisSettings {
    Endpoint address{"127.0.0.1", 6379};
    std::string password;  ///< empty: no AUTH
    int database = 0;
    std::string key_prefix = "parley:";
    std::size_t pool_size = 2;
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};
    std::chrono::milliseconds session_ttl{30000};
};

/// Reads the plugin's settings; throws ConfigError naming the bad key and its place.
RedisSettings read_redis_settings(const ConfigNode& settings);

}  // namespace parley::plugins::redis
