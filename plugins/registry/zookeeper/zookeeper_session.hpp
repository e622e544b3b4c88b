#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include <zookeeper/zookeeper.h>

namespace parley::plugins::zookeeper {

/// One ZooKeeper session: a handle of the multi-threaded C client, which connects, reconnects
/// after a lost connection and answers requests on two threads of its own. close() (or the
/// destructor) closes the handle with zookeeper_close, which ends the session, deletes its
/// ephemeral znodes and answers pending requests with ZCLOSING; it blocks until the client's
/// threads are gone, so nothing is delivered afterwards.
///
/// Thread safe. Never close a session on one of its own client threads (from an event or a
/// completion): zookeeper_close would wait for itself.
class ZookeeperSession {
  public:
    /// Receives the session's events on the client's thread: session state changes (type
    /// ZOO_SESSION_EVENT, `path` empty) and triggered watches. Must return quickly.
    using EventSink =
        std::function<void(std::uint64_t generation, int type, int state, const std::string& path)>;

    /// Starts connecting to `connect`. `generation` tells this session's events from those of
    /// the ones before it. Throws Error(backend_unavailable) when the client cannot even start.
    ZookeeperSession(const std::string& connect, std::chrono::milliseconds timeout,
                     std::uint64_t generation, EventSink sink);
    ~ZookeeperSession();
    ZookeeperSession(const ZookeeperSession&) = delete;
    ZookeeperSession& operator=(const ZookeeperSession&) = delete;

    /// Stops delivering events; when it returns, no event is being delivered either.
    void detach();
    /// Closes the handle, once; later calls do nothing.
    void close();

    /// Runs `call` with the open handle and returns its result (a C client return code), or
    /// returns ZCLOSING once the session is closed.
    template <typename Call>
    int send(Call&& call) {
        std::lock_guard lock(handle_mutex_);
        return handle_ == nullptr ? ZCLOSING : std::forward<Call>(call)(handle_);
    }

    std::uint64_t generation() const noexcept { return generation_; }
    bool connected() const;
    /// The server's id for this session; 0 before the first connection.
    std::int64_t id() const;
    /// The timeout the server granted (it may differ from the one asked for); the asked one
    /// before the first connection.
    std::chrono::milliseconds timeout() const;

  private:
    static void on_event(zhandle_t* handle, int type, int state, const char* path, void* context);

    const std::uint64_t generation_;
    std::mutex sink_mutex_;  ///< held while delivering an event, so detach() can wait for it
    EventSink sink_;
    mutable std::mutex handle_mutex_;  ///< keeps close() from freeing the handle while in use
    zhandle_t* handle_ = nullptr;      ///< null once closed
};

/// "0x1000a2b3c4d0000", as ZooKeeper's own logs spell session ids.
std::string session_hex(std::int64_t id);

}  // namespace parley::plugins::zookeeper
