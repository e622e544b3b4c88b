// Failed-login flood: --connections connections send HANDSHAKEs for user 0, which no node
// accepts (LOGIN_FAILED), and send the next one as soon as the last is answered. A connection
// the node closes (5005 after max_failed_logins) is opened again at once.
#include "attacks.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 512;

class FailedLoginsAttack final : public Attack {
  public:
    using Attack::Attack;

  private:
    void start() override {
        for (std::uint32_t i = 0; i < options_.connections; ++i) {
            open_one(add_connection(*parley_, kReadChunk));
        }
    }

    void open_one(Connection& connection) {
        ++handshakes_sent_;
        Attack::open(connection, LoginRequest{0, false, {}, false});
    }

    void on_refused(Connection& connection, std::string_view reason) override {
        Attack::on_refused(connection, reason);
        if (attacking() && connection.is_open() && reason.starts_with("parley error")) {
            // Answered inside the parser; the connection writes what we append after it.
            parley_->write_login(LoginRequest{0, false, {}, false}, connection.state(),
                                 connection.out());
            ++handshakes_sent_;
        }
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (attacking()) {
            later(std::chrono::milliseconds{0}, [this, &connection] { open_one(connection); });
        }
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("handshakes_sent").value(handshakes_sent_);
    }

    std::uint64_t handshakes_sent_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_failed_logins(const AbuseOptions& options) {
    return std::make_unique<FailedLoginsAttack>(options);
}

}  // namespace parley::bench::abuse
