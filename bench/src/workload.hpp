#pragma once
// What the three kinds of workload (messaging, idle, connect storm) share: one thread's event
// loop, its connections, the login phase that opens them a bounded number at a time, periodic
// heartbeats, and the bookkeeping of errors. A subclass adds its connections, then run()
// drives its phases. One Workload per generator thread; not thread safe.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connection.hpp"
#include "loop.hpp"
#include "options.hpp"
#include "phase_sync.hpp"
#include "protocol.hpp"
#include "resources.hpp"
#include "run_result.hpp"
#include "stream_layer.hpp"

namespace parley::bench {

/// Which part of the run a thread takes: [begin, end) of users, groups or connections.
struct Share {
    unsigned thread = 0;
    unsigned threads = 1;
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    std::uint32_t size() const noexcept { return end - begin; }
};

/// Splits `total` items as evenly as possible over the threads.
Share share_of(std::uint32_t total, unsigned thread, unsigned threads);

class Workload : protected ConnectionEvents {
  public:
    Workload(const BenchOptions& options, PhaseSync& sync, unsigned thread);
    virtual ~Workload();
    Workload(const Workload&) = delete;
    Workload& operator=(const Workload&) = delete;

    /// Runs every phase on the calling thread and returns what was measured.
    virtual RunResult run() = 0;

  protected:
    /// A new connection for the workload's user index `user` (not opened yet).
    Connection& add_connection(std::uint32_t user, std::size_t read_chunk);
    /// Queues a login for the connect phase; `login.groups` must outlive the phase.
    void plan_login(Connection& connection, const LoginRequest& login, std::size_t endpoint);
    /// Opens every planned connection, at most connect_concurrency at a time, and runs the loop
    /// until all are ready or failed, or ready_timeout passes. True when all are ready.
    bool connect_planned();

    /// Heartbeats on every ready connection, spread evenly over each interval.
    void start_heartbeats();
    void stop_heartbeats();

    /// Runs the loop until stop() is called.
    void run_loop();
    void stop() { loop_.io().stop(); }
    /// Closes every connection and lets the loop finish what is pending.
    void shut_down();

    /// The server's CPU time and run-queue delay over the measured window go into the result
    /// when --server-pid is given; thread 0 samples, the others do nothing.
    void server_window_begin();
    void server_window_end();

    /// Spreads connections over 127.0.0.x source addresses when `total` (over all threads) is
    /// more than one address's ephemeral ports allow, or as --source-addresses says.
    void spread_sources(std::uint64_t total);
    /// Source address for the n-th connection when connections are spread (else nothing).
    std::optional<boost::asio::ip::address> source_for(std::uint64_t n) const;

    // ConnectionEvents: the login phase's bookkeeping; subclasses override and call these.
    void on_ready(Connection& connection) override;
    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_ack(Connection& connection) override;
    void on_refused(Connection& connection, std::string_view reason) override;
    void on_closed(Connection& connection, std::string_view reason) override;

    const BenchOptions& options_;
    PhaseSync& sync_;
    unsigned thread_;
    Loop loop_;
    std::unique_ptr<ProtocolAdapter> protocol_;
    std::vector<boost::asio::ip::tcp::endpoint> servers_;
    std::unique_ptr<StreamLayerFactory> layers_;  ///< null over plain TCP
    std::vector<std::unique_ptr<Connection>> connections_;
    RunResult result_;

  private:
    struct PlannedLogin {
        Connection* connection;
        LoginRequest login;
        std::size_t endpoint;
    };
    void open_more();
    void login_finished();
    void heartbeat_tick();

    std::optional<ProcessSchedule> server_at_begin_;
    std::vector<PlannedLogin> planned_;
    std::size_t next_planned_ = 0;
    std::size_t logins_in_flight_ = 0;
    std::size_t logins_done_ = 0;
    bool connecting_ = false;
    std::uint32_t source_count_ = 0;
    boost::asio::steady_timer heartbeat_timer_;
    std::uint64_t heartbeat_tick_ = 0;
    bool heartbeats_on_ = false;
};

/// The workload `options` asks for, as thread `thread` of options.threads.
std::unique_ptr<Workload> make_workload(const BenchOptions& options, PhaseSync& sync,
                                        unsigned thread);

}  // namespace parley::bench
