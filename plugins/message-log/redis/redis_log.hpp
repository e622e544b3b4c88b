#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <parley/message_log.hpp>

#include "conversation_lanes.hpp"
#include "log_keys.hpp"
#include "redis_log_settings.hpp"
#include "redis_pool.hpp"

namespace parley::plugins::message_log_redis {

/// The MessageLog of a cluster, in one Redis primary every node shares. Each append is one Lua
/// script: the dedup check, the next seq, the message, the dedup record, retention and the
/// participants' indexes change together. The log's epoch lives in Redis too, so a Redis that
/// lost its data starts a new one. docs/plugins/message-log-redis.md describes the keys and the
/// guarantees.
///
/// Thread safe: every call may come from any event loop at once. Each runs on the plugin's
/// strand (over the host's executor) and resumes the caller on its own executor; none blocks.
/// An append completes only once Redis answered it. Failures throw Error(backend_unavailable).
/// A deduplicated append (client_msg_id not 0, dedup_window on) whose reply was lost is sent
/// again until Redis answers or append_timeout passes (call_resending), so it fails only when
/// Redis did not take it, or when no answer came by then.
/// The destructor stops everything synchronously, from any thread: calls still in flight fail.
class RedisLog final : public MessageLog {
  public:
    RedisLog(const asio::any_io_executor& executor, RedisLogSettings settings);
    ~RedisLog() override;
    RedisLog(const RedisLog&) = delete;
    RedisLog& operator=(const RedisLog&) = delete;

    asio::awaitable<AppendResult> append(Conversation conversation, UserId sender,
                                         std::uint64_t client_msg_id, Frame frame) override;
    /// True: each sender has one append at a time per conversation in Redis, in the order
    /// append() was called (ConversationLanes), so a resend cannot overtake the sender's next
    /// message there, while other appends run side by side over the pool.
    bool keeps_append_order() const noexcept override { return true; }
    asio::awaitable<MessagePage> read(Conversation conversation, std::uint64_t after,
                                      std::uint32_t limit) override;
    asio::awaitable<MessagePage> read_back(Conversation conversation, std::uint64_t before,
                                           std::uint32_t limit) override;
    asio::awaitable<void> acknowledge(UserId user, Conversation conversation,
                                      std::uint64_t seq) override;
    asio::awaitable<std::vector<StreamPosition>> positions(UserId user,
                                                           std::vector<GroupId> groups) override;
    /// A PING through the pool: fails at once while no connection is up.
    asio::awaitable<void> check_ready() override;

  private:
    /// Runs `command`, throwing for a Redis error reply.
    asio::awaitable<redis::RedisReply> run(redis::RedisCommand command, const char* what);
    /// The read script for `conversation`: "f" or "b" from stream id `start`, `count` entries.
    redis::RedisCommand read_command(const Conversation& conversation, const char* direction,
                                     std::string start, std::uint32_t count) const;
    /// The epoch script, with a fresh candidate.
    redis::RedisCommand epoch_command() const;
    /// A page of `conversation` from the read script's reply; an empty one, with the log's
    /// epoch, for a conversation that never had a message.
    asio::awaitable<MessagePage> page_of(redis::RedisCommand command);

    LogKeys keys_;
    const std::uint64_t max_messages_;
    const std::int64_t max_age_ms_;
    const std::int64_t dedup_window_ms_;
    const std::chrono::milliseconds dedup_window_;
    const std::chrono::milliseconds append_timeout_;
    ConversationLanes lanes_;
    std::shared_ptr<redis::RedisPool> pool_;
};

}  // namespace parley::plugins::message_log_redis
