// Connection flood: --connections connections, each logged in as a new user and then held
// open, --concurrency of them being opened at a time. Each one the node refuses or closes is
// opened again at once, so a node at its limit (max_connections, or out of descriptors) keeps
// being asked for more.
#include <algorithm>

#include "attacks.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 512;

class ConnectionFloodAttack final : public Attack {
  public:
    using Attack::Attack;

  private:
    void start() override {
        for (std::uint32_t i = 0; i < options_.connections; ++i) {
            open_one(add_connection(*parley_, kReadChunk));
        }
    }

    void open_one(Connection& connection) {
        Attack::open(connection, LoginRequest{options_.id_base + users_++, false, {}, false});
    }

    void on_ready(Connection& connection) override {
        Attack::on_ready(connection);
        held_peak_ = std::max(held_peak_, ++held_);
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (connection.ready()) {
            --held_;
        }
        if (attacking()) {
            later(std::chrono::milliseconds{0}, [this, &connection] { open_one(connection); });
        }
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("logged_in_peak").value(held_peak_);
        json.key("logged_in_at_end").value(held_);
    }

    std::uint32_t users_ = 0;
    std::uint64_t held_ = 0;
    std::uint64_t held_peak_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_connection_flood(const AbuseOptions& options) {
    return std::make_unique<ConnectionFloodAttack>(options);
}

}  // namespace parley::bench::abuse
