#pragma once

#include <chrono>
#include <memory>

#include <parley/asio.hpp>

#include "redis_command.hpp"
#include "redis_pool.hpp"

namespace parley::plugins::message_log_redis {

/// Runs `command` on `pool` and returns Redis's reply (which may be an error reply). When the
/// reply is lost (redis::ReplyLost: the connection went, or Redis did not answer within
/// command_timeout), Redis may or may not have run the command; it is then sent again, after a
/// short pause that grows, until Redis answers or `deadline` passes, whatever the failures in
/// between (Redis down, an error reply). Only for a command that may run twice with the effect
/// of once: a deduplicated append. Pass a `deadline` already passed to send it only once.
///
/// Throws Error(backend_unavailable): at once when this call's command never reached Redis
/// (the pool was down); once `deadline` has passed after a lost reply, saying that Redis may
/// have run it; at once when the pool is shut down. Resumes on the caller's executor; uses
/// nothing but its arguments, so it may outlive the log that called it.
asio::awaitable<redis::RedisReply> call_resending(std::shared_ptr<redis::RedisPool> pool,
                                                  redis::RedisCommand command,
                                                  std::chrono::steady_clock::time_point deadline);

}  // namespace parley::plugins::message_log_redis
