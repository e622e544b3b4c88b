#include "innocent_pair.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "payload.hpp"
#include "protocols.hpp"

namespace parley::bench::abuse {

namespace asio = boost::asio;

namespace {
constexpr std::size_t kReadChunk = 4096;
constexpr std::uint32_t kPayload = 64;
// Below the node's idle limit (idle_heartbeats x heartbeat_interval, 30 s by default): B only
// ever receives, so without heartbeats it would be closed as idle during a long run.
constexpr std::chrono::seconds kHeartbeatEvery{5};
constexpr std::chrono::milliseconds kReconnectAfter{200};
// After the last message, answers still on their way get this long to arrive.
constexpr std::chrono::seconds kDrainFor{1};
}  // namespace

InnocentPair::InnocentPair(const AbuseOptions& options)
    : options_(options),
      protocol_(make_parley_protocol()),
      server_(asio::ip::make_address(options.host), options.port),
      source_(asio::ip::make_address(options.innocent_source)),
      send_timer_(loop_.io()),
      heartbeat_timer_(loop_.io()),
      period_ns_(static_cast<std::uint64_t>(1e9 / options.innocent_rate)) {
    ConnectionEvents& events = *this;
    a_ = std::make_unique<Connection>(loop_, *protocol_, events, 0, kReadChunk);
    b_ = std::make_unique<Connection>(loop_, *protocol_, events, 1, kReadChunk);
    samples_.reserve(static_cast<std::size_t>(
        options.innocent_rate *
        static_cast<double>((options.baseline + options.duration + options.recovery).count() +
                            options.setup_timeout.count()) /
        1000.0));
}

InnocentPair::~InnocentPair() = default;

void InnocentPair::run(const std::atomic<bool>& stop, std::atomic<bool>& ready) {
    stop_ = &stop;
    ready_ = &ready;
    open(*a_);
    open(*b_);
    next_send_ns_ = steady_ns();
    send_tick();
    heartbeat_tick();
    loop_.io().run();
    abandon_pending();
}

void InnocentPair::open(Connection& connection) {
    const LoginRequest login{options_.innocent_base + connection.user(), false, {}, false};
    connection.open(server_, source_, login);
}

void InnocentPair::send_tick() {
    if (stop_->load(std::memory_order_relaxed)) {
        draining_ = true;
        send_timer_.expires_after(kDrainFor);
        send_timer_.async_wait([this](const boost::system::error_code& /*error*/) { finish(); });
        return;
    }
    // Fixed rate: every message due by now goes out, each stamped with its own due time, so a
    // late loop turn is charged to the node's answer rather than hidden.
    const auto now = steady_ns();
    while (next_send_ns_ <= now) {
        InnocentSample sample;
        sample.sent_ns = next_send_ns_;
        samples_.push_back(sample);
        if (a_->ready() && b_->ready()) {
            sample_of_seq_.push_back(samples_.size() - 1);
            const Stamp stamp{next_send_ns_, 0, 1, seq_++};
            const Outgoing message{options_.innocent_base + 1, stamp, kPayload};
            protocol_->write_private(message, a_->state(), a_->out());
            a_->queued();
            pending_.push_back(samples_.size() - 1);
        }
        next_send_ns_ += period_ns_;
    }
    loop_.flush();
    send_timer_.expires_at(std::chrono::steady_clock::time_point(
        std::chrono::nanoseconds(static_cast<std::int64_t>(next_send_ns_))));
    send_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            send_tick();
        }
    });
}

void InnocentPair::finish() {
    a_->close();
    b_->close();
    heartbeat_timer_.cancel();
}

void InnocentPair::heartbeat_tick() {
    for (Connection* connection : {a_.get(), b_.get()}) {
        if (connection->ready()) {
            protocol_->write_heartbeat(connection->state(), connection->out());
            connection->queued();
        }
    }
    loop_.flush();
    heartbeat_timer_.expires_after(kHeartbeatEvery);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            heartbeat_tick();
        }
    });
}

void InnocentPair::answer(bool refused) {
    if (pending_.empty()) {
        return;
    }
    auto& sample = samples_[pending_.front()];
    pending_.pop_front();
    sample.latency_ns = static_cast<std::int64_t>(loop_.batch_ns() - sample.sent_ns);
    sample.refused = refused;
}

void InnocentPair::abandon_pending() {
    pending_.clear();  // their samples keep latency -1: never answered
}

void InnocentPair::note(std::string what) {
    events_.push_back({steady_ns(), std::move(what)});
}

void InnocentPair::on_ready(Connection& connection) {
    note(connection.user() == 0 ? "A logged in" : "B logged in");
    if (a_->ready() && b_->ready()) {
        ready_->store(true);
    }
}

void InnocentPair::on_delivery(Connection& /*connection*/, std::string_view payload) {
    ++delivered_;
    const auto stamp = read_stamp(payload);
    if (stamp && stamp->seq < sample_of_seq_.size()) {
        auto& sample = samples_[sample_of_seq_[stamp->seq]];
        sample.delivery_ns = static_cast<std::int64_t>(loop_.batch_ns() - sample.sent_ns);
    }
}

void InnocentPair::on_ack(Connection& connection) {
    if (&connection == a_.get()) {
        answer(false);
    }
}

void InnocentPair::on_refused(Connection& connection, std::string_view reason) {
    note(std::string(connection.user() == 0 ? "A: " : "B: ") + std::string(reason));
    if (&connection == a_.get() && connection.ready() && reason.starts_with("parley error")) {
        answer(true);
    }
}

void InnocentPair::on_closed(Connection& connection, std::string_view reason) {
    note(std::string(connection.user() == 0 ? "A closed: " : "B closed: ") + std::string(reason));
    if (&connection == a_.get()) {
        abandon_pending();
    }
    if (draining_) {
        return;
    }
    // Log in again, as a real client would; the samples until then count as unanswered.
    auto timer = std::make_shared<asio::steady_timer>(loop_.io(), kReconnectAfter);
    timer->async_wait([this, timer, &connection](const boost::system::error_code& error) {
        if (!error && !draining_) {
            open(connection);
            loop_.flush();
        }
    });
}

}  // namespace parley::bench::abuse
