#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <parley/asio.hpp>

#include "redis_client_settings.hpp"
#include "redis_command.hpp"
#include "redis_connection.hpp"
#include "script_cache.hpp"
#include "strand_lock.hpp"

namespace parley::plugins::redis {

/// A command and what to do with its outcome.
struct PendingCommand {
    RedisCommand command;
    ReplyCallback done;
};

/// `pool_size` RedisConnections on one strand of the host's executor, commands spread round-robin
/// over the ready ones. While none is ready, calls fail at once with backend_unavailable (or,
/// before the first attempt has failed, wait for it). A command timing out on one connection
/// drops them all: Redis answers commands one at a time, so a server that does not answer one
/// connection answers none, and calls should fail fast rather than each wait out the timeout.
/// Logs an outage once, when the first connection goes down, and the recovery once, when all
/// are ready again.
///
/// call() and send_batch() may be used from any thread; so may shutdown(), which is synchronous
/// and must come before the last reference goes. Callbacks run on the strand with the lock held:
/// they must not call back into the pool synchronously.
class RedisPool final : public std::enable_shared_from_this<RedisPool>, private ConnectionEvents {
  public:
    RedisPool(const asio::any_io_executor& executor, RedisClientSettings settings,
              std::vector<const RedisScript*> scripts);
    ~RedisPool() override;
    RedisPool(const RedisPool&) = delete;
    RedisPool& operator=(const RedisPool&) = delete;

    /// Runs `hook` (on the strand, lock held) whenever a connection becomes ready. Set before
    /// start().
    void on_ready(std::function<void()> hook) { ready_hook_ = std::move(hook); }
    /// Starts connecting, on the strand.
    void start();
    /// Closes every connection: what is in flight or waiting fails; nothing runs afterwards.
    void shutdown();

    /// Runs `command` on the strand and resumes the caller on its own executor with the reply.
    /// Throws parley::Error(backend_unavailable) when Redis cannot be reached or did not answer.
    asio::awaitable<RedisReply> call(RedisCommand command);
    /// Runs `commands` back to back on one connection (one pipelined round trip) and resumes
    /// the caller with their replies, in order. Throws as call() does when any of them failed.
    asio::awaitable<std::vector<RedisReply>> call_all(std::vector<RedisCommand> commands);
    /// Sends `commands` back to back on one connection: one pipelined round trip.
    void send_batch(std::vector<PendingCommand> commands);

    const std::string& address() const noexcept { return address_; }
    /// True once shutdown() ran: calls fail at once, for good. Any thread.
    bool closed() const noexcept { return closed_.load(); }

  private:
    void route(PendingCommand pending);
    RedisConnection* pick();
    std::exception_ptr unavailable() const;
    void connection_ready(RedisConnection& connection) override;
    void connection_down(RedisConnection& connection, const std::string& reason,
                         bool unresponsive) override;

    std::shared_ptr<StrandLock> lock_;
    RedisClientSettings settings_;
    std::string address_;
    ScriptCache scripts_;
    std::vector<std::shared_ptr<RedisConnection>> connections_;
    std::size_t next_ = 0;
    std::atomic<bool> closed_{false};  ///< written under the lock; read from any thread
    bool announced_ = false;           ///< the first successful connection was logged
    bool outage_ = false;
    std::chrono::steady_clock::time_point outage_since_;
    std::string last_reason_;
    std::function<void()> ready_hook_;
};

}  // namespace parley::plugins::redis
