#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <parley/config_node.hpp>

#include "redis_client_settings.hpp"

namespace parley::plugins::message_log_redis {

/// The plugin's settings, validated. docs/plugins/message-log-redis.md describes each one.
struct RedisLogSettings {
    /// address, password, database, pool_size, connect_timeout, command_timeout.
    redis::RedisClientSettings client;
    std::string key_prefix = "parley:log:";
    std::uint64_t max_messages_per_conversation = 10000;
    /// 0: messages never expire by age.
    std::chrono::milliseconds max_age{std::chrono::hours{24 * 30}};
    /// 0: no deduplication.
    std::chrono::milliseconds dedup_window{std::chrono::minutes{10}};
    /// How long a deduplicated append whose reply was lost is sent again; 0: never.
    std::chrono::milliseconds append_timeout{std::chrono::seconds{10}};
    /// Appends sent to Redis and not yet answered, at most; the others wait in the node.
    std::size_t max_appends_in_flight = 512;
};

/// Reads every key of the settings; throws ConfigError naming the bad key and its place.
RedisLogSettings read_redis_log_settings(const ConfigNode& node);

}  // namespace parley::plugins::message_log_redis
