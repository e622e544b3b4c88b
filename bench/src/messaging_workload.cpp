#include "messaging_workload.hpp"

#include <algorithm>
#include <span>

#include "resources.hpp"

namespace parley::bench {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kDrainPoll = std::chrono::milliseconds(5);
constexpr std::uint64_t kMaxPacedBurst = 4096;

std::chrono::steady_clock::time_point at(std::uint64_t ns) {
    return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(ns));
}

std::uint64_t ms_to_ns(std::chrono::milliseconds ms) {
    return static_cast<std::uint64_t>(ms.count()) * 1000000;
}

}  // namespace

MessagingWorkload::MessagingWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread)
    : Workload(options, sync, thread),
      group_(options.workload == WorkloadKind::group),
      share_(share_of(group_ ? options.groups : options.users, thread, options.threads)),
      tracker_(group_ ? std::size_t{share_.size()} * options.group_senders : share_.size(),
               group_ ? options.members - 1 : 1),
      random_state_(0x9E3779B97F4A7C15ULL * (thread + 1)),
      phase_timer_(loop_.io()),
      pace_timer_(loop_.io()),
      poll_timer_(loop_.io()) {
    if (group_) {
        plan_group();
    } else {
        plan_private();
    }
    if (options.messages > 0) {
        const auto total = options.messages;
        quota_ = total * (thread + 1) / options.threads - total * thread / options.threads;
    }
}

void MessagingWorkload::plan_private() {
    const bool separate = protocol_->separate_publisher();
    spread_sources(std::uint64_t{options_.users} * (separate ? 2 : 1));
    senders_.resize(share_.size());
    sender_of_user_.resize(share_.size());
    for (std::uint32_t local = 0; local < share_.size(); ++local) {
        const std::uint32_t user = share_.begin + local;
        const std::uint32_t id = options_.id_base + user;
        auto& inbox = add_connection(local, kReadChunk);
        plan_login(inbox, LoginRequest{id, true, {}, false}, endpoint_of(user));
        Connection* out = &inbox;
        if (separate) {
            out = &add_connection(local, kReadChunk);
            plan_login(*out, LoginRequest{id, false, {}, true}, endpoint_of(user));
        }
        senders_[local].out = out;
        senders_[local].user = user;
        sender_of_user_[local] = local;
    }
}

void MessagingWorkload::plan_group() {
    const bool separate = protocol_->separate_publisher();
    const std::uint32_t members = options_.members;
    const std::uint32_t per_group = options_.group_senders;
    spread_sources(std::uint64_t{options_.groups} * (members + (separate ? per_group : 0)));
    group_ids_.resize(share_.size());
    senders_.resize(std::size_t{share_.size()} * per_group);
    sender_of_user_.assign(std::size_t{share_.size()} * members, kNotASender);
    next_group_seq_.assign(std::size_t{share_.size()} * members * per_group, 0);
    for (std::uint32_t g = 0; g < share_.size(); ++g) {
        const std::uint32_t group = share_.begin + g;
        group_ids_[g] = options_.id_base + group;
        const std::span<const std::uint32_t> groups(&group_ids_[g], 1);
        for (std::uint32_t m = 0; m < members; ++m) {
            const std::uint32_t user = group * members + m;
            const std::uint32_t local = g * members + m;
            const std::uint32_t id = options_.id_base + user;
            auto& inbox = add_connection(local, kReadChunk);
            plan_login(inbox, LoginRequest{id, false, groups, false}, endpoint_of(user));
            if (m < per_group) {
                Connection* out = &inbox;
                if (separate) {
                    out = &add_connection(local, kReadChunk);
                    plan_login(*out, LoginRequest{id, false, {}, true}, endpoint_of(user));
                }
                const auto s = std::size_t{g} * per_group + m;
                senders_[s].out = out;
                senders_[s].user = user;
                senders_[s].group = group;
                sender_of_user_[local] = static_cast<std::uint32_t>(s);
            }
        }
    }
}

RunResult MessagingWorkload::run() {
    const bool ready = connect_planned();
    const auto start = sync_.arrive_and_wait(ready);
    if (sync_.all_ok()) {
        start_heartbeats();
        start_phases(start);
        run_loop();
    } else {
        result_.note_error("not every connection logged in; no messages sent");
    }
    stop_heartbeats();
    phase_timer_.cancel();
    pace_timer_.cancel();
    poll_timer_.cancel();
    shut_down();
    result_.sent = tracker_.sent();
    result_.expected = tracker_.expected();
    result_.delivered = tracker_.delivered();
    result_.duplicated += tracker_.duplicates();
    result_.malformed += tracker_.unknown();
    result_.unacked = unacked_;
    return result_;
}

void MessagingWorkload::start_phases(std::uint64_t start_ns) {
    start_ns_ = start_ns;
    last_progress_ns_ = start_ns;
    sending_ = true;
    if (options_.messages > 0) {
        window_begin_ns_ = start_ns;
        begin_window();
        poll_drain();
    } else {
        window_begin_ns_ = start_ns + ms_to_ns(options_.warmup);
        window_end_ns_ = window_begin_ns_ + ms_to_ns(options_.duration);
        drain_deadline_ns_ = window_end_ns_ + ms_to_ns(options_.drain_timeout);
        phase_timer_.expires_at(at(window_begin_ns_));
        phase_timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                begin_window();
            }
        });
    }
    if (options_.mode == LoopMode::open) {
        pace_interval_ns_ = 1e9 * options_.threads / options_.rate;
        pace();
    } else {
        send_initial_windows();
    }
    loop_.flush();
}

void MessagingWorkload::begin_window() {
    window_began_at_ = steady_ns();
    delivered_at_begin_ = tracker_.delivered();
    sent_at_begin_ = tracker_.sent();
    cpu_at_begin_ = thread_cpu().total();
    server_window_begin();
    if (options_.messages > 0) {
        return;  // the window ends when the last message has arrived
    }
    phase_timer_.expires_at(at(window_end_ns_));
    phase_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            end_window();
        }
    });
}

void MessagingWorkload::end_window() {
    const auto now = steady_ns();
    sending_ = false;
    pace_timer_.cancel();
    window_closed_ = true;
    result_.window_seconds = static_cast<double>(now - window_began_at_) / 1e9;
    result_.delivered_in_window = tracker_.delivered() - delivered_at_begin_;
    result_.sent_in_window = tracker_.sent() - sent_at_begin_;
    result_.window_cpu_seconds = thread_cpu().total() - cpu_at_begin_;
    server_window_end();
    poll_drain();
}

void MessagingWorkload::send_initial_windows() {
    for (std::uint32_t round = 0; round < options_.window && sending_; ++round) {
        for (std::size_t s = 0; s < senders_.size() && sending_; ++s) {
            send(s, steady_ns());
        }
    }
}

void MessagingWorkload::pace() {
    if (!sending_) {
        return;
    }
    const auto now = steady_ns();
    std::uint64_t burst = 0;
    while (sending_ && burst++ < kMaxPacedBurst) {
        const auto due =
            start_ns_ + static_cast<std::uint64_t>(static_cast<double>(paced_) * pace_interval_ns_);
        if (due > now) {
            break;
        }
        result_.schedule_lag_max_us =
            std::max(result_.schedule_lag_max_us, static_cast<double>(now - due) / 1e3);
        send(next_paced_sender_, due);
        next_paced_sender_ = (next_paced_sender_ + 1) % senders_.size();
        ++paced_;
    }
    loop_.flush();
    if (!sending_) {
        return;
    }
    const auto next =
        start_ns_ + static_cast<std::uint64_t>(static_cast<double>(paced_) * pace_interval_ns_);
    pace_timer_.expires_at(at(next));
    pace_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            pace();
        }
    });
}

void MessagingWorkload::send(std::size_t s, std::uint64_t sent_ns) {
    auto& sender = senders_[s];
    if (!sender.out->is_open()) {
        return;
    }
    const auto seq = tracker_.next_seq(s);
    if (group_) {
        const Stamp stamp{sent_ns, sender.user, sender.group, seq};
        protocol_->write_group(
            Outgoing{options_.id_base + sender.group, stamp, options_.payload_size},
            sender.out->state(), sender.out->out());
    } else {
        const auto recipient = pick_recipient(sender);
        const Stamp stamp{sent_ns, sender.user, recipient, seq};
        protocol_->write_private(
            Outgoing{options_.id_base + recipient, stamp, options_.payload_size},
            sender.out->state(), sender.out->out());
    }
    sender.out->queued();
    ++sender.in_flight;
    if (options_.durable) {
        ++sender.unacked;
        ++unacked_;
        sender.ack_due.push(sent_ns);
    }
    if (tracker_.sent() >= quota_) {
        sending_ = false;
    }
}

std::uint32_t MessagingWorkload::pick_recipient(const Sender& sender) {
    const std::uint32_t n = share_.size();
    const std::uint32_t self = sender.user - share_.begin;
    if (options_.cross_node) {
        for (;;) {
            const auto candidate = share_.begin + static_cast<std::uint32_t>(next_random() % n);
            if (endpoint_of(candidate) != endpoint_of(sender.user)) {
                return candidate;
            }
        }
    }
    auto other = static_cast<std::uint32_t>(next_random() % (n - 1));
    if (other >= self) {
        ++other;
    }
    return share_.begin + other;
}

std::uint64_t MessagingWorkload::next_random() {
    // splitmix64: fast, and good enough to spread recipients uniformly.
    std::uint64_t z = (random_state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void MessagingWorkload::on_delivery(Connection& connection, std::string_view payload) {
    const auto stamp = read_stamp(payload);
    if (!stamp) {
        ++result_.malformed;
        return;
    }
    if (group_) {
        deliver_group(connection.user(), *stamp);
    } else {
        deliver_private(connection.user(), *stamp);
    }
}

void MessagingWorkload::deliver_private(std::uint32_t receiver, const Stamp& stamp) {
    if (stamp.target != share_.begin + receiver) {
        ++result_.misrouted;
        return;
    }
    if (stamp.sender < share_.begin || stamp.sender >= share_.end) {
        ++result_.malformed;
        return;
    }
    count_arrival(stamp.sender - share_.begin, stamp);
}

void MessagingWorkload::deliver_group(std::uint32_t receiver, const Stamp& stamp) {
    const std::uint32_t members = options_.members;
    const std::uint32_t receiver_user = share_.begin * members + receiver;
    if (stamp.sender == receiver_user) {
        ++result_.self_echoes;
        return;
    }
    if (stamp.target != receiver_user / members) {
        ++result_.misrouted;
        return;
    }
    const std::uint32_t group = stamp.sender / members;
    const std::uint32_t member = stamp.sender % members;
    if (group != stamp.target || member >= options_.group_senders) {
        ++result_.malformed;
        return;
    }
    // Every server keeps one publisher's messages in order towards one subscriber, so a
    // sequence number that does not move forward is a repeat.
    auto& next = next_group_seq_[std::size_t{receiver} * options_.group_senders + member];
    if (stamp.seq < next) {
        ++result_.duplicated;
        return;
    }
    next = stamp.seq + 1;
    count_arrival(std::size_t{group - share_.begin} * options_.group_senders + member, stamp);
}

void MessagingWorkload::count_arrival(std::size_t s, const Stamp& stamp) {
    const auto outcome = tracker_.record(s, stamp.seq);
    if (outcome == DeliveryTracker::Outcome::duplicate ||
        outcome == DeliveryTracker::Outcome::unknown) {
        return;
    }
    const auto now = loop_.batch_ns();
    last_delivery_ns_ = now;
    if (stamp.sent_ns >= window_begin_ns_ && stamp.sent_ns < window_end_ns_) {
        result_.latency.record(now > stamp.sent_ns ? now - stamp.sent_ns : 0);
    }
    if (outcome == DeliveryTracker::Outcome::completed) {
        auto& sender = senders_[s];
        --sender.in_flight;
        if (sending_ && options_.mode == LoopMode::closed && may_send(sender)) {
            send(s, steady_ns());
        }
    }
}

void MessagingWorkload::on_ack(Connection& connection) {
    Workload::on_ack(connection);
    if (!options_.durable || connection.user() >= sender_of_user_.size()) {
        return;
    }
    const auto s = sender_of_user_[connection.user()];
    if (s == kNotASender || senders_[s].unacked == 0) {
        ++result_.unexpected_acks;
        return;
    }
    auto& sender = senders_[s];
    --sender.unacked;
    --unacked_;
    const auto sent_ns = sender.ack_due.pop();
    if (sent_ns >= window_begin_ns_ && sent_ns < window_end_ns_) {
        const auto now = loop_.batch_ns();
        result_.ack_latency.record(now > sent_ns ? now - sent_ns : 0);
    }
    if (sending_ && options_.mode == LoopMode::closed && may_send(sender)) {
        send(s, steady_ns());
    }
}

void MessagingWorkload::poll_drain() {
    const auto now = steady_ns();
    if (tracker_.delivered() != last_progress_count_) {
        last_progress_count_ = tracker_.delivered();
        last_progress_ns_ = now;
    }
    const bool all_in = !sending_ && tracker_.delivered() >= tracker_.expected() && unacked_ == 0;
    const bool stalled =
        options_.messages > 0 && now - last_progress_ns_ > ms_to_ns(options_.drain_timeout);
    if (all_in || stalled || now >= drain_deadline_ns_) {
        finish();
        return;
    }
    poll_timer_.expires_after(kDrainPoll);
    poll_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            poll_drain();
        }
    });
}

void MessagingWorkload::finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    sending_ = false;
    if (!window_closed_) {
        // Count mode: the window runs from the start to the last arrival.
        const auto end = std::max(last_delivery_ns_, window_began_at_ + 1);
        result_.window_seconds = static_cast<double>(end - window_began_at_) / 1e9;
        result_.delivered_in_window = tracker_.delivered() - delivered_at_begin_;
        result_.sent_in_window = tracker_.sent() - sent_at_begin_;
        result_.window_cpu_seconds = thread_cpu().total() - cpu_at_begin_;
        server_window_end();
    }
    stop();
}

}  // namespace parley::bench
