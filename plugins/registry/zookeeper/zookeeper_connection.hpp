#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <parley/asio.hpp>
#include <parley/foreign_completion.hpp>

#include "zookeeper_session.hpp"
#include "zookeeper_settings.hpp"

namespace parley::plugins::zookeeper {

/// The registry's link to ZooKeeper: one session at a time, replaced by a new one as soon as the
/// server expires it. A lost connection within a session is the client library's business (it
/// reconnects, and its watches survive); this class only logs it.
///
/// Runs on `io`, the registry's own thread: session events are posted there, and so are the
/// listener's calls. current() and ready() may be called from any thread.
class ZookeeperConnection {
  public:
    /// Told about what the registry must redo. Called on `io`.
    class Listener {
      public:
        virtual ~Listener() = default;
        /// A new session replaced an expired one: its ephemeral znodes and watches are gone.
        virtual void on_new_session() = 0;
        /// The current session is connected (first time, or again after a lost connection).
        virtual void on_connected() = 0;
        /// A watch on `path` fired (its children, its data, or whether it exists changed).
        virtual void on_watch(const std::string& path) = 0;
    };

    ZookeeperConnection(asio::io_context& io, const ZookeeperSettings& settings,
                        Listener& listener);
    ~ZookeeperConnection();
    ZookeeperConnection(const ZookeeperConnection&) = delete;
    ZookeeperConnection& operator=(const ZookeeperConnection&) = delete;

    /// Opens the first session. Call once, before `io` runs.
    void start();
    /// Stops events and fails every ready() still waiting. Call before `io` stops.
    void shutdown();
    /// Fails every ready() still waiting and closes the sessions, blocking until the client's
    /// threads end. Call after `io` stopped.
    void close();

    /// The current session; null while none could be opened.
    std::shared_ptr<ZookeeperSession> current() const;

    /// The current session once it is connected. Throws Error(backend_unavailable) naming the
    /// connect string when that does not happen by `deadline`.
    asio::awaitable<std::shared_ptr<ZookeeperSession>> ready(
        std::chrono::steady_clock::time_point deadline);

  private:
    struct Waiter {
        Waiter(asio::io_context& io, Completer<bool> completion)
            : timer(io), done(std::move(completion)) {}
        asio::steady_timer timer;
        std::optional<Completer<bool>> done;  ///< empty once completed
    };

    void open_session();
    void on_event(std::uint64_t generation, int type, int state, const std::string& path);
    void on_session_state(const std::shared_ptr<ZookeeperSession>& session, int state);
    /// Completes with true once connected, false at `deadline` or shutdown.
    asio::awaitable<bool> connected_by(std::chrono::steady_clock::time_point deadline);
    void add_waiter(std::chrono::steady_clock::time_point deadline, Completer<bool> done);
    void wake_waiters(bool connected);

    asio::io_context& io_;
    ZookeeperSettings settings_;
    Listener& listener_;

    mutable std::mutex mutex_;  ///< guards the three members below
    std::shared_ptr<ZookeeperSession> session_;
    /// Replaced sessions that a request in flight may still hold; close() closes them too, so
    /// no client thread outlives it.
    std::vector<std::weak_ptr<ZookeeperSession>> retired_;
    std::string problem_;  ///< why no session could be opened, for error messages
    bool shut_down_ = false;

    // On io_ only.
    std::uint64_t generation_ = 0;
    bool ever_connected_ = false;  ///< by the current session
    std::list<std::shared_ptr<Waiter>> waiters_;
    asio::steady_timer reopen_timer_;
};

}  // namespace parley::plugins::zookeeper
