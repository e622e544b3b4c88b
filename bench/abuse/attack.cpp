#include "attack.hpp"

#include <chrono>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include "protocols.hpp"
#include "resources.hpp"
#include "silent_protocol.hpp"

namespace parley::bench::abuse {

namespace asio = boost::asio;
using namespace std::chrono_literals;

Attack::Attack(const AbuseOptions& options)
    : options_(options),
      parley_(make_parley_protocol()),
      silent_(make_silent_parley_protocol()),
      server_(asio::ip::make_address(options.host), options.port) {
    for (std::uint32_t i = 0; i < options.attack_addresses; ++i) {
        // 127.0.1.1, 127.0.1.2, ...: loopback answers every 127/8 address, and each one is
        // counted apart by the node's per-address limits, as separate hosts would be.
        const std::uint32_t host = (127U << 24) | (1U << 8) | (1 + i % 254) | ((i / 254) << 16);
        sources_.emplace_back(asio::ip::address_v4(host));
    }
}

Attack::~Attack() = default;

bool Attack::run_until(const std::function<bool()>& done, std::uint64_t deadline_ns) {
    while (!done()) {
        if (steady_ns() >= deadline_ns) {
            return false;
        }
        loop_.io().run_for(5ms);
    }
    return true;
}

AttackTimeline Attack::run(const std::atomic<bool>& innocent_ready) {
    auto guard = asio::make_work_guard(loop_.io());
    const auto ns = [](std::chrono::milliseconds d) {
        return static_cast<std::uint64_t>(d.count()) * 1'000'000ULL;
    };
    AttackTimeline timeline;
    timeline.setup_begin_ns = steady_ns();
    bool set = false;
    set_up([&set] { set = true; });
    timeline.setup_complete =
        run_until([&set] { return set; }, timeline.setup_begin_ns + ns(options_.setup_timeout));
    run_until([&innocent_ready] { return innocent_ready.load(); },
              steady_ns() + ns(options_.setup_timeout));

    timeline.baseline_begin_ns = steady_ns();
    run_until([] { return false; }, timeline.baseline_begin_ns + ns(options_.baseline));

    timeline.attack_begin_ns = steady_ns();
    const auto cpu_before = thread_cpu().total();
    attacking_ = true;
    start();
    loop_.flush();
    run_until([] { return false; }, timeline.attack_begin_ns + ns(options_.duration));
    attacking_ = false;
    timeline.attack_end_ns = steady_ns();
    timeline.attack_cpu_s = thread_cpu().total() - cpu_before;
    halt();
    waiting_.clear();
    for (auto& connection : connections_) {
        connection->close();
    }
    loop_.io().poll();  // let handlers of the closed sockets finish
    return timeline;
}

void Attack::write_counters(JsonWriter& json) const {
    json.key("connections_opened").value(opened_);
    json.key("logins").value(ready_);
    json.key("connections_lost").value(lost_);
    write_own_counters(json);
}

Connection& Attack::add_connection(ProtocolAdapter& protocol, std::size_t read_chunk) {
    const auto index = static_cast<std::uint32_t>(connections_.size());
    ConnectionEvents& events = *this;
    connections_.push_back(
        std::make_unique<Connection>(loop_, protocol, events, index, read_chunk));
    return *connections_.back();
}

void Attack::open(Connection& connection, const LoginRequest& login) {
    waiting_.push_back({&connection, login});
    open_more();
}

void Attack::open_more() {
    while (!waiting_.empty() && in_flight_count_ < options_.concurrency) {
        const auto next = waiting_.front();
        waiting_.pop_front();
        const auto index = next.connection->user();
        if (in_flight_.size() <= index) {
            in_flight_.resize(index + 1);
        }
        in_flight_[index] = true;
        ++in_flight_count_;
        const auto& source = sources_[opened_++ % sources_.size()];
        next.connection->open(server_, source, next.login);
    }
}

void Attack::landed(Connection& connection) {
    const auto index = connection.user();
    if (index < in_flight_.size() && in_flight_[index]) {
        in_flight_[index] = false;
        --in_flight_count_;
        // Not from inside the parser that called us: the connection's buffers are in use.
        asio::post(loop_.io(), [this] {
            open_more();
            loop_.flush();
        });
    }
}

void Attack::later(std::chrono::milliseconds delay, std::function<void()> action) {
    if (delay.count() == 0) {
        asio::post(loop_.io(), [action = std::move(action), this] {
            action();
            loop_.flush();
        });
        return;
    }
    auto timer = std::make_shared<asio::steady_timer>(loop_.io(), delay);
    timer->async_wait(
        [timer, action = std::move(action), this](const boost::system::error_code& error) {
            if (!error) {
                action();
                loop_.flush();
            }
        });
}

void Attack::on_ready(Connection& connection) {
    ++ready_;
    landed(connection);
}

void Attack::on_delivery(Connection& /*connection*/, std::string_view /*payload*/) {}

void Attack::on_ack(Connection& /*connection*/) {}

void Attack::on_refused(Connection& connection, std::string_view reason) {
    count(std::string{reason});
    landed(connection);
}

void Attack::on_closed(Connection& connection, std::string_view reason) {
    ++lost_;
    landed(connection);
    if (reason != "protocol") {  // "protocol" follows a GOODBYE, already counted
        count("closed: " + std::string{reason});
    }
}

}  // namespace parley::bench::abuse
