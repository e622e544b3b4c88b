#pragma once
// What every attack shares: its own thread's loop, connections from a spread of attacker
// addresses, the tally of what the node answered them, and the timeline: set-up (not
// measured), a quiet baseline, the attack, then every attack connection closed. A subclass
// says what to set up, how to attack and what else to report.
// Not thread safe: construct, run() on one thread, read the results after it returns.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "abuse_options.hpp"
#include "connection.hpp"
#include "json_writer.hpp"
#include "loop.hpp"

namespace parley::bench::abuse {

/// When each phase began, on the steady clock.
struct AttackTimeline {
    std::uint64_t setup_begin_ns = 0;
    std::uint64_t baseline_begin_ns = 0;
    std::uint64_t attack_begin_ns = 0;
    std::uint64_t attack_end_ns = 0;
    double attack_cpu_s = 0;  ///< the attacker thread's own CPU time during the attack
    bool setup_complete = false;
};

class Attack : protected ConnectionEvents {
  public:
    explicit Attack(const AbuseOptions& options);
    virtual ~Attack();
    Attack(const Attack&) = delete;
    Attack& operator=(const Attack&) = delete;

    /// Runs set-up, then waits until `innocent_ready`, then the baseline, the attack and the
    /// close. `attacking` is set for the attack window itself.
    AttackTimeline run(const std::atomic<bool>& innocent_ready);

    /// What the node answered the attacker: each refusal reason (ERROR and GOODBYE codes,
    /// failed connects, closes) with its count.
    const std::map<std::string, std::uint64_t>& answers() const noexcept { return answers_; }
    /// The attack's own counters (connections opened, messages sent, ...).
    void write_counters(JsonWriter& json) const;

  protected:
    /// Prepares what the attack needs (memberships, a feeder); calls done() when ready.
    virtual void set_up(std::function<void()> done) { done(); }
    virtual void start() = 0;
    /// Stops sending; every connection is closed after this.
    virtual void halt() {}
    virtual void write_own_counters(JsonWriter& /*json*/) const {}

    Connection& add_connection(ProtocolAdapter& protocol, std::size_t read_chunk);
    /// Opens `connection` from the next attacker address (127.0.1.x, round-robin), once fewer
    /// than --concurrency opened connections are still waiting for their first answer (the
    /// login, a refusal or the close). `login.groups` must outlive the attack.
    void open(Connection& connection, const LoginRequest& login);
    /// Runs `action` on the loop after `delay` (0: posted, not run inside a caller's parser).
    void later(std::chrono::milliseconds delay, std::function<void()> action);
    void count(const std::string& answer) { ++answers_[answer]; }
    bool attacking() const noexcept { return attacking_; }

    // ConnectionEvents: every refusal and close is counted; subclasses add what they do next.
    void on_ready(Connection& connection) override;
    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_ack(Connection& connection) override;
    void on_refused(Connection& connection, std::string_view reason) override;
    void on_closed(Connection& connection, std::string_view reason) override;

    const AbuseOptions& options_;
    Loop loop_;
    std::unique_ptr<ProtocolAdapter> parley_;  ///< logs in with HANDSHAKE
    std::unique_ptr<ProtocolAdapter> silent_;  ///< parley framing, but writes no login
    boost::asio::ip::tcp::endpoint server_;
    std::vector<std::unique_ptr<Connection>> connections_;
    std::uint64_t opened_ = 0;
    std::uint64_t ready_ = 0;
    std::uint64_t lost_ = 0;  ///< closed by the node, or the connect failed

  private:
    /// Runs the loop until `done()` or `deadline_ns`; true when done() said so.
    bool run_until(const std::function<bool()>& done, std::uint64_t deadline_ns);

    struct PendingOpen {
        Connection* connection;
        LoginRequest login;
    };
    void open_more();
    /// The connection heard its first answer: one attempt in flight less.
    void landed(Connection& connection);

    std::vector<boost::asio::ip::address> sources_;
    std::deque<PendingOpen> waiting_;
    std::vector<bool> in_flight_;  ///< by connection index
    std::uint32_t in_flight_count_ = 0;
    std::map<std::string, std::uint64_t> answers_;
    bool attacking_ = false;
};

/// The attack `options` names.
std::unique_ptr<Attack> make_attack(const AbuseOptions& options);

}  // namespace parley::bench::abuse
