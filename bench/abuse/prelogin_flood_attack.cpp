// Pre-login flood: --connections connections, never logged in, each send a HANDSHAKE header
// announcing a --announce byte body (64 MiB by default) and then nothing. Each one the node
// closes is opened again at once, so the node keeps seeing new ones for the whole attack.
#include "attacks.hpp"
#include "raw_frames.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 512;

class PreloginFloodAttack final : public Attack {
  public:
    using Attack::Attack;

  private:
    void start() override {
        for (std::uint32_t i = 0; i < options_.connections; ++i) {
            Attack::open(add_connection(*silent_, kReadChunk), LoginRequest{});
        }
    }

    void on_ready(Connection& connection) override {
        Attack::on_ready(connection);  // TCP is up; nothing was said yet
        const auto header = frame_header(kHandshakeType, options_.announce, 0);
        connection.out().append({header.data(), header.size()});
        connection.queued();
        ++headers_sent_;
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (attacking()) {
            later(std::chrono::milliseconds{0},
                  [this, &connection] { Attack::open(connection, LoginRequest{}); });
        }
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("announced_body_bytes").value(options_.announce);
        json.key("headers_sent").value(headers_sent_);
    }

    std::uint64_t headers_sent_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_prelogin_flood(const AbuseOptions& options) {
    return std::make_unique<PreloginFloodAttack>(options);
}

}  // namespace parley::bench::abuse
