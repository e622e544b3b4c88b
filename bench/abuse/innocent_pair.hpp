#pragma once
// The innocent client: users A and B, logged in from their own address before the attack, A
// sending B a private message at a fixed rate and timing each round trip to its ACK. Whatever
// the node does to them (a refusal, a disconnect, no answer) becomes a sample the report sees.
// Runs on its own thread and loop, so the attacker's work never delays its clock.
// Not thread safe: construct, run() on one thread, read the results after it returns.

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "abuse_options.hpp"
#include "connection.hpp"
#include "loop.hpp"

namespace parley::bench::abuse {

/// One message A meant to send: when, and how long until the node answered it.
struct InnocentSample {
    std::uint64_t sent_ns = 0;
    /// Nanoseconds to the ACK (or ERROR); -1 when never answered or not even sent because A was
    /// not logged in at the time.
    std::int64_t latency_ns = -1;
    /// Nanoseconds until B had the message; -1 when it never arrived.
    std::int64_t delivery_ns = -1;
    bool refused = false;  ///< answered with an ERROR rather than an ACK
};

struct InnocentEvent {
    std::uint64_t at_ns = 0;
    std::string what;
};

class InnocentPair final : private ConnectionEvents {
  public:
    explicit InnocentPair(const AbuseOptions& options);
    ~InnocentPair();

    /// Logs A and B in and sends until `stop` is set, then waits a second for the last
    /// answers; `ready` is set once both are logged in.
    void run(const std::atomic<bool>& stop, std::atomic<bool>& ready);

    const std::vector<InnocentSample>& samples() const noexcept { return samples_; }
    /// Logins, disconnects and refusals, in order.
    const std::vector<InnocentEvent>& events() const noexcept { return events_; }
    std::uint64_t delivered() const noexcept { return delivered_; }

  private:
    void open(Connection& connection);
    void send_tick();
    void heartbeat_tick();
    void answer(bool refused);
    void abandon_pending();
    void finish();
    void note(std::string what);

    void on_ready(Connection& connection) override;
    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_ack(Connection& connection) override;
    void on_refused(Connection& connection, std::string_view reason) override;
    void on_closed(Connection& connection, std::string_view reason) override;

    const AbuseOptions& options_;
    Loop loop_;
    std::unique_ptr<ProtocolAdapter> protocol_;
    boost::asio::ip::tcp::endpoint server_;
    boost::asio::ip::address source_;
    std::unique_ptr<Connection> a_;
    std::unique_ptr<Connection> b_;
    boost::asio::steady_timer send_timer_;
    boost::asio::steady_timer heartbeat_timer_;
    const std::atomic<bool>* stop_ = nullptr;
    std::atomic<bool>* ready_ = nullptr;
    std::uint64_t period_ns_;
    std::uint64_t next_send_ns_ = 0;
    std::uint64_t seq_ = 0;
    std::vector<InnocentSample> samples_;
    std::deque<std::size_t> pending_;         ///< samples_ indices awaiting an answer, in order
    std::vector<std::size_t> sample_of_seq_;  ///< the stamp's sequence number -> samples_ index
    bool draining_ = false;
    std::vector<InnocentEvent> events_;
    std::uint64_t delivered_ = 0;
};

}  // namespace parley::bench::abuse
