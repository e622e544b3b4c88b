#pragma once
// The private (1:1) and group fan-out workloads. Every user logs in (and joins or subscribes to
// its group), then senders send stamped messages: in the closed loop each sender keeps `window`
// messages undelivered and sends the next when one has fully arrived; in the open loop a pacer
// sends at a fixed aggregate rate whatever the server does, stamping each message with the time
// it was due so a stalled server shows up in the latency. Receivers check every stamp, count
// losses and duplicates, and record latency for messages sent inside the measured window.
// With --threads, each thread owns a disjoint slice of users (or groups) and messages stay
// within the slice, so threads never share state.
// With --durable a message also stays in flight until the server has acknowledged it to its
// sender (stored), and the time from send to acknowledgement is recorded as well.

#include <cstdint>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "delivery_tracker.hpp"
#include "payload.hpp"
#include "send_times.hpp"
#include "workload.hpp"

namespace parley::bench {

class MessagingWorkload final : public Workload {
  public:
    MessagingWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread);
    RunResult run() override;

  private:
    struct Sender {
        Connection* out = nullptr;
        std::uint32_t user = 0;       ///< global user index
        std::uint32_t group = 0;      ///< global group index (group workload)
        std::uint32_t in_flight = 0;  ///< not yet delivered to every recipient
        std::uint32_t unacked = 0;    ///< durable: not yet acknowledged to the sender
        SendTimes ack_due;            ///< durable: send times of the unacknowledged ones
    };
    static constexpr std::uint32_t kNotASender = UINT32_MAX;

    void plan_private();
    void plan_group();
    void start_phases(std::uint64_t start_ns);
    void begin_window();
    void end_window();
    void send(std::size_t sender, std::uint64_t sent_ns);
    void send_initial_windows();
    void pace();
    void poll_drain();
    void finish();
    std::uint32_t pick_recipient(const Sender& sender);
    std::uint64_t next_random();
    std::size_t endpoint_of(std::uint32_t user) const { return user % servers_.size(); }

    bool may_send(const Sender& sender) const {
        return sender.in_flight < options_.window &&
               (!options_.durable || sender.unacked < options_.window);
    }

    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_ack(Connection& connection) override;
    void deliver_private(std::uint32_t receiver, const Stamp& stamp);
    void deliver_group(std::uint32_t receiver, const Stamp& stamp);
    void count_arrival(std::size_t sender, const Stamp& stamp);

    const bool group_;
    const Share share_;  ///< users (private) or groups (group) of this thread
    std::vector<std::uint32_t> group_ids_;
    std::vector<Sender> senders_;
    std::vector<std::uint32_t> sender_of_user_;  ///< local user index -> sender, or kNotASender
    std::uint64_t unacked_ = 0;                  ///< durable: over all senders
    std::vector<std::uint64_t> next_group_seq_;  ///< per (local member, sender of its group)
    DeliveryTracker tracker_;
    std::uint64_t random_state_;

    std::uint64_t quota_ = UINT64_MAX;  ///< messages this thread sends at most
    bool sending_ = false;
    bool finished_ = false;
    std::uint64_t start_ns_ = 0;
    std::uint64_t window_begin_ns_ = 0;  ///< latency counts for messages sent in the window
    std::uint64_t window_end_ns_ = UINT64_MAX;
    std::uint64_t window_began_at_ = 0;
    std::uint64_t delivered_at_begin_ = 0;
    std::uint64_t sent_at_begin_ = 0;
    double cpu_at_begin_ = 0;
    bool window_closed_ = false;
    std::uint64_t last_delivery_ns_ = 0;
    std::uint64_t last_progress_ns_ = 0;
    std::uint64_t last_progress_count_ = 0;
    std::uint64_t drain_deadline_ns_ = UINT64_MAX;

    double pace_interval_ns_ = 0;
    std::uint64_t paced_ = 0;
    std::size_t next_paced_sender_ = 0;

    boost::asio::steady_timer phase_timer_;
    boost::asio::steady_timer pace_timer_;
    boost::asio::steady_timer poll_timer_;
};

}  // namespace parley::bench
