// Slow readers: --connections users log in, join a group and then never read, while one member
// of the group (the feeder) sends --payload byte GROUP MESSAGEs to it, --feed-rate a second.
// The node's output for each reader piles up until it closes the reader (5002). The output
// the reader never read holds the node's FIN back, so the reader finds out by writing: each
// sends a HEARTBEAT a second, which the closed socket answers with a reset. It then reads what
// is left (to find the GOODBYE's code, when the reset has not discarded it) and a new user logs
// in to take its place.
#include <array>
#include <functional>
#include <stdexcept>

#include <poll.h>

#include "attacks.hpp"
#include "group_sender.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::chrono::milliseconds kCheckEvery{100};
constexpr unsigned kHeartbeatEveryChecks = 10;
// Time for the node to handle the readers' logins and joins, which they never see answered.
constexpr std::chrono::milliseconds kJoinGrace{1000};

class SlowReadersAttack final : public Attack {
  public:
    explicit SlowReadersAttack(const AbuseOptions& options)
        : Attack(options),
          group_{options.group},
          sender_(loop_, *parley_, options.group, options.payload, options.feed_rate),
          check_timer_(loop_.io()) {}

  private:
    void set_up(std::function<void()> done) override {
        done_ = std::move(done);
        if (options_.connections >= options_.concurrency) {
            // A reader never answers the attacker (it does not read), so each one stays "in
            // flight" and they must all fit the window at once.
            throw std::invalid_argument("slow-readers: --concurrency must exceed --connections");
        }
        feeder_ = &add_connection(*parley_, kReadChunk);
        Attack::open(*feeder_, LoginRequest{next_user(), false, group_, false});
        for (std::uint32_t i = 0; i < options_.connections; ++i) {
            open_reader(add_connection(*parley_, kReadChunk));
        }
    }

    std::uint32_t next_user() { return options_.id_base + users_++; }

    void open_reader(Connection& connection) {
        connection.hold_reads();
        Attack::open(connection, LoginRequest{next_user(), false, group_, false});
    }

    void start() override {
        sender_.start(*feeder_);
        check_readers();
    }

    void halt() override {
        sender_.stop();
        check_timer_.cancel();
    }

    /// A reader the node closed has its FIN (or reset) waiting behind the unread output.
    void check_readers() {
        const bool heartbeat = ++checks_ % kHeartbeatEveryChecks == 0;
        for (auto& connection : connections_) {
            if (connection.get() == feeder_ || !connection->is_open()) {
                continue;
            }
            if (heartbeat) {
                parley_->write_heartbeat(connection->state(), connection->out());
                connection->queued();
            }
            pollfd poll_fd{connection->native_handle(), POLLRDHUP, 0};
            if (::poll(&poll_fd, 1, 0) == 1 &&
                (poll_fd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
                ++readers_closed_;
                connection->resume_reads();  // drains to the GOODBYE, then on_closed
            }
        }
        loop_.flush();
        check_timer_.expires_after(kCheckEvery);
        check_timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                check_readers();
            }
        });
    }

    void on_ready(Connection& connection) override {
        Attack::on_ready(connection);
        if (&connection == feeder_) {
            later(kJoinGrace, [this] { done_(); });
        }
    }

    void on_ack(Connection& connection) override {
        if (&connection == feeder_) {
            ++acks_;
        }
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (attacking() && &connection != feeder_) {
            ++readers_replaced_;
            later(std::chrono::milliseconds{0}, [this, &connection] { open_reader(connection); });
        }
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("readers").value(options_.connections);
        json.key("readers_closed_by_node").value(readers_closed_);
        json.key("readers_replaced").value(readers_replaced_);
        json.key("messages_sent").value(sender_.sent());
        json.key("messages_acked").value(acks_);
        json.key("payload_bytes").value(options_.payload);
        json.key("feed_rate_per_s").value(options_.feed_rate);
    }

    std::array<std::uint32_t, 1> group_;
    GroupSender sender_;
    boost::asio::steady_timer check_timer_;
    std::function<void()> done_;
    Connection* feeder_ = nullptr;
    std::uint32_t users_ = 0;
    std::uint64_t checks_ = 0;
    std::uint64_t readers_closed_ = 0;
    std::uint64_t readers_replaced_ = 0;
    std::uint64_t acks_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_slow_readers(const AbuseOptions& options) {
    return std::make_unique<SlowReadersAttack>(options);
}

}  // namespace parley::bench::abuse
