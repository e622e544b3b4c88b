#include "sync_workload.hpp"

#include <string>

#include "resources.hpp"

namespace parley::bench {

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr auto kWatchInterval = std::chrono::milliseconds(100);
}  // namespace

SyncWorkload::SyncWorkload(const BenchOptions& options, PhaseSync& sync, unsigned thread)
    : Workload(options, sync, thread),
      senders_(options.sync_senders),
      tracker_(options.sync_senders, 1),
      watchdog_(loop_.io()) {
    for (std::uint32_t s = 0; s < senders_.size(); ++s) {
        auto& connection = add_connection(s, kReadChunk);
        plan_login(connection, LoginRequest{options.id_base + s, false, {}, false}, 0);
        senders_[s].connection = &connection;
        senders_[s].quota =
            options.messages * (s + 1) / senders_.size() - options.messages * s / senders_.size();
    }
    receiver_ = &add_connection(receiver_index(), kReadChunk);
}

RunResult SyncWorkload::run() {
    const bool ready = connect_planned();
    sync_.arrive_and_wait(ready);
    if (ready) {
        start_heartbeats();
        fill_started_ns_ = steady_ns();
        last_progress_ns_ = fill_started_ns_;
        for (std::size_t s = 0; s < senders_.size(); ++s) {
            for (std::uint32_t i = 0; i < options_.window; ++i) {
                send(s);
            }
        }
        loop_.flush();
        watch();
        run_loop();
    } else {
        result_.note_error("not every sender logged in; no messages sent");
    }
    watchdog_.cancel();
    shut_down();
    result_.sent = tracker_.sent();
    result_.expected = tracker_.expected();
    result_.delivered = tracker_.delivered();
    result_.duplicated += tracker_.duplicates();
    result_.malformed += tracker_.unknown();
    result_.unacked = tracker_.sent() - acked_;
    return result_;
}

void SyncWorkload::send(std::size_t s) {
    auto& sender = senders_[s];
    if (sender.sent >= sender.quota || !sender.connection->is_open()) {
        return;
    }
    ++sender.sent;
    const auto seq = tracker_.next_seq(s);
    const Stamp stamp{steady_ns(), static_cast<std::uint32_t>(s), receiver_index(), seq};
    protocol_->write_private(
        Outgoing{options_.id_base + receiver_index(), stamp, options_.payload_size},
        sender.connection->state(), sender.connection->out());
    sender.connection->queued();
    ++sender.unacked;
}

void SyncWorkload::on_ack(Connection& connection) {
    Workload::on_ack(connection);
    if (replaying_ || connection.user() >= senders_.size()) {
        return;
    }
    auto& sender = senders_[connection.user()];
    if (sender.unacked == 0) {
        ++result_.unexpected_acks;
        return;
    }
    --sender.unacked;
    ++acked_;
    send(connection.user());
    if (acked_ == options_.messages) {
        result_.fill_seconds = static_cast<double>(steady_ns() - fill_started_ns_) / 1e9;
        start_replay();
    }
}

void SyncWorkload::start_replay() {
    replaying_ = true;
    login_started_ns_ = steady_ns();
    last_progress_ns_ = login_started_ns_;
    cpu_at_login_ = thread_cpu().total();
    server_window_begin();
    LoginRequest login{options_.id_base + receiver_index(), false, {}, false};
    login.sync = true;
    receiver_->open(servers_[0], std::nullopt, login);
}

void SyncWorkload::on_ready(Connection& connection) {
    if (&connection != receiver_) {
        Workload::on_ready(connection);
    }
}

void SyncWorkload::on_delivery(Connection& connection, std::string_view payload) {
    const auto stamp = read_stamp(payload);
    if (&connection != receiver_ || !stamp || stamp->sender >= senders_.size()) {
        ++result_.malformed;
        return;
    }
    if (stamp->target != receiver_index()) {
        ++result_.misrouted;
        return;
    }
    const auto now = loop_.batch_ns();
    if (tracker_.delivered() == 0) {
        result_.first_replay_us = static_cast<double>(now - login_started_ns_) / 1e3;
    }
    tracker_.record(stamp->sender, stamp->seq);
    last_delivery_ns_ = now;
}

void SyncWorkload::on_sync_done(Connection& connection, const SyncRoundEnd& end) {
    if (&connection != receiver_) {
        return;
    }
    ++result_.sync_rounds;
    if (end.more && protocol_->write_sync(end.streams, options_.sync_limit, connection.state(),
                                          connection.out())) {
        connection.queued();
        return;
    }
    finish(true);
}

void SyncWorkload::watch() {
    const auto now = steady_ns();
    const auto progress = acked_ + tracker_.delivered();
    if (progress != progress_seen_) {
        progress_seen_ = progress;
        last_progress_ns_ = now;
    }
    if (done_) {
        return;
    }
    const auto stalled_ns = static_cast<std::uint64_t>(options_.drain_timeout.count()) * 1000000;
    if (now - last_progress_ns_ > stalled_ns) {
        result_.note_error(std::string(replaying_ ? "replay" : "sending") +
                           " made no progress for " +
                           std::to_string(options_.drain_timeout.count()) + " ms");
        finish(false);
        return;
    }
    watchdog_.expires_after(kWatchInterval);
    watchdog_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            watch();
        }
    });
}

void SyncWorkload::finish(bool complete) {
    if (done_) {
        return;
    }
    done_ = true;
    if (replaying_) {
        const auto end = complete ? last_delivery_ns_ : steady_ns();
        result_.window_seconds = static_cast<double>(end - login_started_ns_) / 1e9;
        result_.delivered_in_window = tracker_.delivered();
        result_.window_cpu_seconds = thread_cpu().total() - cpu_at_login_;
        server_window_end();
    }
    stop();
}

}  // namespace parley::bench
