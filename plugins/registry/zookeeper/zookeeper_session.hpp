#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_set>
#include <utility>

#include <zookeeper/zookeeper.h>

namespace parley::plugins::zookeeper {

/// A request sent on a session and not answered yet.
class PendingRequest {
  public:
    /// The session closed and the client will not answer: answer ZCLOSING, once.
    virtual void closed() = 0;

  protected:
    ~PendingRequest() = default;
};

/// One ZooKeeper session: a handle of the multi-threaded C client, which connects, reconnects
/// after a lost connection and answers requests on two threads of its own. close() (or the
/// destructor) closes the handle with zookeeper_close, which ends the session, deletes its
/// ephemeral znodes and answers pending requests with ZCLOSING; it blocks until the client's
/// threads are gone, so nothing is delivered afterwards.
///
/// The C client (3.8) can drop the answers of requests still in flight when it closes
/// (ZOOKEEPER-3868: their ZCLOSING answers are queued but never delivered). The session keeps
/// the requests it sent until they are answered, and close() answers those the client dropped,
/// so no waiter waits forever.
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
    /// returns ZCLOSING once the session is closed. With ZOK, `request` is pending until
    /// answered() or, at close(), its closed(); otherwise the caller answers it.
    template <typename Call>
    int send(PendingRequest& request, Call&& call) {
        std::lock_guard lock(handle_mutex_);
        if (handle_ == nullptr) {
            return ZCLOSING;
        }
        remember(request);  // before the call: its answer may come before the call returns
        const int rc = std::forward<Call>(call)(handle_);
        if (rc != ZOK) {
            answered(request);
        }
        return rc;
    }
    /// The client answered `request`; call before answering its waiter. Any thread.
    void answered(PendingRequest& request);

    std::uint64_t generation() const noexcept { return generation_; }
    bool connected() const;
    /// The server's id for this session; 0 before the first connection.
    std::int64_t id() const;
    /// The timeout the server granted (it may differ from the one asked for); the asked one
    /// before the first connection.
    std::chrono::milliseconds timeout() const;

  private:
    static void on_event(zhandle_t* handle, int type, int state, const char* path, void* context);
    void remember(PendingRequest& request);

    const std::uint64_t generation_;
    std::mutex sink_mutex_;  ///< held while delivering an event, so detach() can wait for it
    EventSink sink_;
    mutable std::mutex handle_mutex_;  ///< keeps close() from freeing the handle while in use
    zhandle_t* handle_ = nullptr;      ///< null once closed
    std::mutex pending_mutex_;         ///< never held while calling the client
    std::unordered_set<PendingRequest*> pending_;
};

/// "0x1000a2b3c4d0000", as ZooKeeper's own logs spell session ids.
std::string session_hex(std::int64_t id);

}  // namespace parley::plugins::zookeeper
