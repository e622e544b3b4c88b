#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "redis_client_settings.hpp"
#include "redis_command.hpp"
#include "script_cache.hpp"
#include "strand_lock.hpp"

struct redisAsyncContext;
struct redisReply;

namespace parley::plugins::redis {

class RedisConnection;

/// What a connection tells its pool. Called on the strand with the lock held.
class ConnectionEvents {
  public:
    virtual ~ConnectionEvents() = default;
    virtual void connection_ready(RedisConnection& connection) = 0;
    /// The connection failed or was lost; it retries by itself after a backoff. `unresponsive`:
    /// it was dropped because the server stopped answering, which holds for every connection.
    virtual void connection_down(RedisConnection& connection, const std::string& reason,
                                 bool unresponsive) = 0;
};

/// One hiredis async connection that keeps itself open: it connects (resolving the host off the
/// loop, bounded by connect_timeout), authenticates, selects the database and loads the scripts;
/// when it fails or is lost it retries with a backoff (100 ms doubling to 2 s) until closed.
///
/// Commands go out only once the connection is ready. Before its first attempt has failed they
/// wait for it; after that, while it is down, they fail at once with backend_unavailable, so a
/// caller never waits on a connection already known to be down. A command unanswered after
/// command_timeout fails, and so does the connection: it closes (failing every command still in
/// flight) and reconnects, since a server that stopped answering one command answers none.
/// A command that was in flight when the connection went fails with ReplyLost (Redis may have
/// run it); one that never went out fails with a plain Error.
///
/// Every callback runs exactly once. All members are for the strand with the StrandLock held;
/// the pool, its ScriptCache and events outlive the connection's use of them (close() comes
/// first). Timer and resolver handlers keep the object alive and do nothing once it is closed.
class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
  public:
    enum class State {
        starting,  ///< the first attempt is under way: commands wait for it
        ready,
        down,    ///< an attempt failed or the connection was lost: commands fail fast
        closed,  ///< shut down for good
    };

    RedisConnection(std::shared_ptr<StrandLock> lock, const RedisClientSettings& settings,
                    ScriptCache& scripts, ConnectionEvents& events);
    ~RedisConnection();
    RedisConnection(const RedisConnection&) = delete;
    RedisConnection& operator=(const RedisConnection&) = delete;

    void start();
    void send(RedisCommand command, ReplyCallback done);
    /// Subscribes a ready connection to `channel`; false, sending nothing, unless it is ready.
    /// Redis takes no other command on a subscribed connection: use a connection of its own.
    /// `on_message` runs (strand, lock held) with the confirmation and with every message,
    /// until the connection goes; its owner learns that from connection_down and subscribes
    /// again once it is ready.
    bool subscribe(const std::string& channel, std::function<void(const RedisReply&)> on_message);
    /// Drops a ready connection (the server stopped answering another one) and reconnects.
    void drop(const std::string& reason);
    /// Closes for good: fails every command in flight or waiting, frees the hiredis context.
    void close();

    State state() const noexcept;
    /// Why the last attempt failed or the connection was lost.
    const std::string& last_error() const noexcept { return last_error_; }

  private:
    enum class Phase { idle, resolving, connecting, ready, closed };
    struct Request {
        RedisCommand command;
        ReplyCallback done;
        std::chrono::steady_clock::time_point deadline;
        bool as_eval = false;  ///< a script sent with its body, not its SHA
    };

    static void on_reply(redisAsyncContext* context, void* reply, void* request);
    static void on_message(redisAsyncContext* context, void* reply, void* unused);
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);

    void begin_attempt();
    void open(const std::string& ip);
    void send_handshake();
    void handshake(std::vector<std::string> args, std::string what, const RedisScript* script);
    void become_ready();
    void issue(std::unique_ptr<Request> request);
    void handle_reply(redisAsyncContext* context, const redisReply* reply,
                      std::unique_ptr<Request> request);
    /// Drops the current attempt or connection. `free_context`: whether hiredis still needs
    /// telling (false when hiredis itself is freeing the context).
    void teardown(const std::string& reason, bool free_context, bool unresponsive = false);
    void fail_waiting();
    void arm_reply_timer();
    /// Why commands fail now: down (and why) or shutting down.
    std::string failure() const;
    /// For a command that never left: Error(backend_unavailable).
    std::exception_ptr unavailable() const;
    /// For a command in flight when the connection went: ReplyLost.
    std::exception_ptr reply_lost() const;

    std::shared_ptr<StrandLock> lock_;
    const RedisClientSettings settings_;
    ScriptCache& scripts_;
    ConnectionEvents& events_;
    std::string address_;

    Phase phase_ = Phase::idle;
    bool failed_once_ = false;
    std::uint64_t attempt_ = 0;  ///< bumped whenever an attempt ends; stale handlers compare it
    std::string last_error_;
    std::chrono::milliseconds backoff_{0};

    redisAsyncContext* context_ = nullptr;
    std::size_t handshake_left_ = 0;
    std::deque<Request*> in_flight_;  ///< owned by hiredis until their callback runs
    std::vector<std::unique_ptr<Request>> waiting_;

    asio::ip::tcp::resolver resolver_;
    asio::steady_timer attempt_timer_;  ///< connect deadline, then the backoff before a retry
    asio::steady_timer reply_timer_;    ///< the oldest command's deadline
    bool reply_timer_armed_ = false;
    std::function<void(const RedisReply&)> subscriber_;
};

}  // namespace parley::plugins::redis
