// Group flood: a group of --members users (made members through the protocol: each logs in,
// sends GROUP JOIN and is reset once the ACK is in, so they are offline but members, as most
// of a big group is), --online-members more who stay logged in and read, and one member who
// sends GROUP MESSAGEs as fast as the node reads them.
#include <array>
#include <functional>

#include "attacks.hpp"
#include "group_sender.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::chrono::milliseconds kRetryAfter{50};
// Online members only receive; below the node's idle limit (30 s by default) they say hello.
constexpr std::chrono::seconds kHeartbeatEvery{5};

class GroupFloodAttack final : public Attack {
  public:
    explicit GroupFloodAttack(const AbuseOptions& options)
        : Attack(options),
          group_{options.group},
          sender_(loop_, *parley_, options.group, options.payload),
          heartbeat_timer_(loop_.io()) {}

  private:
    enum class Phase { joining, online, flooding };

    void set_up(std::function<void()> done) override {
        done_ = std::move(done);
        const auto slots = std::min(options_.concurrency, std::max(options_.members, 1U));
        member_of_.resize(slots);
        for (std::uint32_t slot = 0; slot < slots; ++slot) {
            join_next(add_connection(*parley_, kReadChunk));
        }
        if (options_.members == 0) {
            go_online();
        }
    }

    void join_next(Connection& connection) {
        if (next_member_ >= options_.members) {
            return;
        }
        member_of_[connection.user()] = next_member_++;
        join(connection);
    }

    void join(Connection& connection) {
        const auto user = options_.id_base + member_of_[connection.user()];
        Attack::open(connection, LoginRequest{user, false, group_, false});
    }

    void go_online() {
        if (phase_ != Phase::joining) {
            return;  // several slots can see the last join done in one batch
        }
        phase_ = Phase::online;
        // The online members, then the sender: all members, all logged in.
        for (std::uint32_t i = 0; i <= options_.online_members; ++i) {
            auto& connection = add_connection(*parley_, kReadChunk);
            const auto user = options_.id_base + options_.members + i;
            Attack::open(connection, LoginRequest{user, false, group_, false});
        }
    }

    void start() override {
        phase_ = Phase::flooding;
        sender_.start(*connections_.back());
    }

    void halt() override {
        sender_.stop();
        heartbeat_timer_.cancel();
    }

    void heartbeats() {
        for (std::size_t i = connections_.size() - options_.online_members - 1;
             i < connections_.size(); ++i) {
            auto& connection = *connections_[i];
            if (connection.is_open() && connection.ready()) {
                parley_->write_heartbeat(connection.state(), connection.out());
                connection.queued();
            }
        }
        loop_.flush();
        heartbeat_timer_.expires_after(kHeartbeatEvery);
        heartbeat_timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                heartbeats();
            }
        });
    }

    void on_ready(Connection& connection) override {
        Attack::on_ready(connection);
        if (phase_ == Phase::joining) {
            ++joined_;
            later(std::chrono::milliseconds{0}, [this, &connection] {
                connection.close(true);
                if (joined_ == options_.members) {
                    go_online();
                } else {
                    join_next(connection);
                }
            });
        } else if (phase_ == Phase::online && ++online_ready_ == options_.online_members + 1) {
            heartbeats();
            done_();
        }
    }

    void on_ack(Connection& connection) override {
        if (&connection == connections_.back().get()) {
            ++acks_;
        }
    }

    void on_delivery(Connection& /*connection*/, std::string_view /*payload*/) override {
        ++deliveries_;
    }

    void on_refused(Connection& connection, std::string_view reason) override {
        Attack::on_refused(connection, reason);
        if (phase_ == Phase::joining && !connection.ready() && connection.is_open()) {
            connection.close(true);  // inside the parser: no on_closed follows
            retry(connection);
        }
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (phase_ == Phase::joining && !connection.ready()) {
            retry(connection);
        }
    }

    void retry(Connection& connection) {
        ++join_retries_;
        later(kRetryAfter, [this, &connection] { join(connection); });
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("members_joined").value(joined_);
        json.key("join_retries").value(join_retries_);
        json.key("online_members").value(options_.online_members);
        json.key("messages_sent").value(sender_.sent());
        json.key("messages_acked").value(acks_);
        json.key("deliveries_to_online_members").value(deliveries_);
    }

    std::array<std::uint32_t, 1> group_;
    GroupSender sender_;
    boost::asio::steady_timer heartbeat_timer_;
    std::function<void()> done_;
    Phase phase_ = Phase::joining;
    std::vector<std::uint32_t> member_of_;  ///< by joining slot
    std::uint32_t next_member_ = 0;
    std::uint32_t joined_ = 0;
    std::uint32_t online_ready_ = 0;
    std::uint64_t join_retries_ = 0;
    std::uint64_t acks_ = 0;
    std::uint64_t deliveries_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_group_flood(const AbuseOptions& options) {
    return std::make_unique<GroupFloodAttack>(options);
}

}  // namespace parley::bench::abuse
