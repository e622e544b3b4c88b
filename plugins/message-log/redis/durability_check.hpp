#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "redis_pool.hpp"

namespace parley::plugins::message_log_redis {

/// What the server's configuration means for the log's promise, from CONFIG GET: each problem
/// as one sentence for the operator, none when the log is as durable as it says. A value that
/// could not be read is nullopt.
struct RedisDurability {
    std::optional<std::string> appendonly;
    std::optional<std::string> appendfsync;
    std::optional<std::string> maxmemory_policy;
    std::string unreadable;  ///< why CONFIG GET failed ("" when it worked)

    std::vector<std::string> problems() const;
};

/// Reads the durability settings of the server behind `pool` (CONFIG GET appendonly,
/// appendfsync, maxmemory-policy) and logs a warning for each problem, or that it could not
/// check (CONFIG is often disabled on managed Redis). Fire and forget: call on the pool's
/// strand, from its ready hook.
void check_durability(const std::shared_ptr<redis::RedisPool>& pool);

}  // namespace parley::plugins::message_log_redis
