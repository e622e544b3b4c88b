#pragma once
// Parley's sync speed: how fast a user who was offline gets what was sent meanwhile. --senders
// users send --messages private messages in total to one user who is not logged in (each with
// --window messages awaiting their ACK, i.e. stored); then that user logs in with `sync: true`
// and receives the replay, asking for the next round with SYNC after every SYNC DONE that says
// `more`. The measured window runs from the start of the login (TCP connect) to the last
// replayed message; every stamp is checked, so the run also shows that every message came back
// exactly once.

#include <cstdint>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "delivery_tracker.hpp"
#include "workload.hpp"

namespace parley::bench {

class SyncWorkload final : public Workload {
  public:
    SyncWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread);
    RunResult run() override;

  private:
    struct Sender {
        Connection* connection = nullptr;
        std::uint64_t quota = 0;  ///< messages this sender sends
        std::uint64_t sent = 0;
        std::uint32_t unacked = 0;
    };

    void send(std::size_t s);
    void start_replay();
    void finish(bool complete);
    void watch();

    void on_ready(Connection& connection) override;
    void on_ack(Connection& connection) override;
    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_sync_done(Connection& connection, const SyncRoundEnd& end) override;

    std::uint32_t receiver_index() const { return static_cast<std::uint32_t>(senders_.size()); }

    std::vector<Sender> senders_;
    Connection* receiver_ = nullptr;
    DeliveryTracker tracker_;
    std::uint64_t acked_ = 0;
    std::uint64_t fill_started_ns_ = 0;
    std::uint64_t login_started_ns_ = 0;
    std::uint64_t last_delivery_ns_ = 0;
    std::uint64_t last_progress_ns_ = 0;
    std::uint64_t progress_seen_ = 0;
    double cpu_at_login_ = 0;
    bool replaying_ = false;
    bool done_ = false;
    boost::asio::steady_timer watchdog_;
};

}  // namespace parley::bench
