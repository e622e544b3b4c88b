#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <parley/config_node.hpp>
#include <parley/endpoint.hpp>

namespace parley::plugins::redis {

/// How a plugin reaches Redis: the settings every Redis-backed plugin shares, validated.
/// docs/plugins/store-redis.md describes each one.
struct RedisClientSettings {
    /// The plugin's name ("store-redis"), for log lines and error messages.
    std::string owner = "redis";
    Endpoint address{"127.0.0.1", 6379};
    std::string password;  ///< empty: no AUTH
    int database = 0;
    std::size_t pool_size = 2;
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{2000};
};

/// Reads address, password, database, pool_size, connect_timeout and command_timeout from
/// `reader` into `settings`, leaving what is absent as it was; throws ConfigError naming the bad
/// key and its place. The caller reads its own keys and calls finish().
void read_client_settings(SettingsReader& reader, RedisClientSettings& settings);

}  // namespace parley::plugins::redis
