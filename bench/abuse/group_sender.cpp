#include "group_sender.hpp"

#include <chrono>

#include "payload.hpp"

namespace parley::bench::abuse {

namespace {
// Enough unsent bytes that the socket never runs dry between two top-ups a millisecond apart.
constexpr std::size_t kQueuedBytes = 256 * 1024;
constexpr std::chrono::milliseconds kTopUpEvery{1};
}  // namespace

GroupSender::GroupSender(Loop& loop, ProtocolAdapter& protocol, std::uint32_t group,
                         std::uint32_t payload, double rate)
    : loop_(loop),
      protocol_(protocol),
      group_(group),
      payload_(payload),
      rate_(rate),
      timer_(loop.io()) {}

void GroupSender::start(Connection& connection) {
    connection_ = &connection;
    running_ = true;
    next_ns_ = steady_ns();
    top_up();
}

void GroupSender::write_one() {
    const Stamp stamp{steady_ns(), connection_->user(), group_, sent_};
    protocol_.write_group(Outgoing{group_, stamp, payload_}, connection_->state(),
                          connection_->out());
    ++sent_;
}

void GroupSender::stop() {
    running_ = false;
    timer_.cancel();
}

void GroupSender::top_up() {
    if (!running_) {
        return;
    }
    if (connection_->is_open() && connection_->ready()) {
        if (rate_ > 0) {
            const auto now = steady_ns();
            const auto period = static_cast<std::uint64_t>(1e9 / rate_);
            for (; next_ns_ <= now; next_ns_ += period) {
                write_one();
            }
        } else {
            while (connection_->out().size() < kQueuedBytes) {
                write_one();
            }
        }
        connection_->queued();
        loop_.flush();
    }
    timer_.expires_after(kTopUpEvery);
    timer_.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            top_up();
        }
    });
}

}  // namespace parley::bench::abuse
