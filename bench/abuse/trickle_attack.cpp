// Trickle: --connections connections each send one byte of a frame every --interval and never
// finish it. Without --logged-in the frame is a HANDSHAKE announcing just under the node's
// pre-login limit (4 KiB by default), so the header is accepted; with --logged-in the
// connection logs in first and trickles a PRIVATE MESSAGE announcing 60,000 bytes. Each one the
// node closes is opened again (as a new user when logged in).
#include "attacks.hpp"
#include "raw_frames.hpp"

namespace parley::bench::abuse {

namespace {

constexpr std::size_t kReadChunk = 512;
constexpr std::uint64_t kPreloginBody = 4000;   // under the default prelogin_max_frame_size
constexpr std::uint64_t kLoggedInBody = 60000;  // under the default max_frame_size

class TrickleAttack final : public Attack {
  public:
    explicit TrickleAttack(const AbuseOptions& options)
        : Attack(options),
          header_(options.logged_in ? frame_header(kPrivateType, kLoggedInBody, options.id_base)
                                    : frame_header(kHandshakeType, kPreloginBody, 0)),
          body_size_(options.logged_in ? kLoggedInBody : kPreloginBody),
          timer_(loop_.io()) {}

  private:
    void start() override {
        for (std::uint32_t i = 0; i < options_.connections; ++i) {
            position_.push_back(0);
            open_one(add_connection(options_.logged_in ? *parley_ : *silent_, kReadChunk));
        }
        tick();
    }

    void open_one(Connection& connection) {
        position_[connection.user()] = 0;
        Attack::open(connection, LoginRequest{options_.id_base + users_++, false, {}, false});
    }

    void halt() override { timer_.cancel(); }

    void tick() {
        for (auto& connection : connections_) {
            if (!connection->is_open() || !connection->ready()) {
                continue;
            }
            auto& position = position_[connection->user()];
            if (position + 1 >= header_.size() + body_size_) {
                continue;  // the last byte is never sent: the frame stays unfinished
            }
            connection->out().append_byte(position < header_.size() ? header_[position] : 'x');
            connection->queued();
            ++position;
            ++bytes_sent_;
        }
        loop_.flush();
        timer_.expires_after(options_.interval);
        timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                tick();
            }
        });
    }

    void on_closed(Connection& connection, std::string_view reason) override {
        Attack::on_closed(connection, reason);
        if (attacking()) {
            later(std::chrono::milliseconds{0}, [this, &connection] { open_one(connection); });
        }
    }

    void write_own_counters(JsonWriter& json) const override {
        json.key("logged_in").value(options_.logged_in);
        json.key("announced_body_bytes").value(body_size_);
        json.key("interval_ms").value(static_cast<std::uint64_t>(options_.interval.count()));
        json.key("bytes_sent").value(bytes_sent_);
    }

    const std::array<char, kHeaderSize> header_;
    const std::uint64_t body_size_;
    boost::asio::steady_timer timer_;
    std::vector<std::size_t> position_;  ///< by connection: bytes of the frame sent so far
    std::uint32_t users_ = 0;
    std::uint64_t bytes_sent_ = 0;
};

}  // namespace

std::unique_ptr<Attack> make_trickle(const AbuseOptions& options) {
    return std::make_unique<TrickleAttack>(options);
}

}  // namespace parley::bench::abuse
