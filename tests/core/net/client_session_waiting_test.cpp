// A ClientSession whose request waits on a backend: reading goes on, a HEARTBEAT is answered
// at once, a close is noticed, and the frames behind the waiting request run after it, in
// order, with a bounded queue.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "core/net/session_harness.hpp"

namespace parley::net {
namespace {

using testing::body_text;
using testing::Peer;
using testing::SessionHarness;

constexpr auto kLogin = FrameType::handshake;
constexpr auto kEcho = FrameType{0x81};
constexpr auto kSlow = FrameType{0x82};

// Echoes the body back; a handshake logs the session in as user 5.
class EchoHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        if (frame.type() == kLogin) {
            ctx.session->complete_login(5);
        }
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
        co_return;
    }
};

// Waits until the test opens the gate, as a request waiting on a store or Kafka would, then
// echoes. A slow handshake logs in once it is through.
class GateHandler final : public Handler {
  public:
    explicit GateHandler(boost::asio::io_context& loop) : gate_(std::in_place, loop) {
        gate_->expires_at(boost::asio::steady_timer::time_point::max());
    }
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        ++waiting;
        boost::system::error_code ec;
        co_await gate_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        --waiting;
        if (frame.type() == kLogin) {
            ctx.session->complete_login(5);
        }
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
    }
    void open() { gate_->cancel(); }
    /// Destroys the timer while its loop still exists: the dispatcher keeps this handler alive
    /// past the test's loop.
    void close() { gate_.reset(); }
    int waiting = 0;

  private:
    std::optional<boost::asio::steady_timer> gate_;
};

class ClientSessionWaitingTest : public ::testing::Test {
  protected:
    ClientSessionWaitingTest() {
        dispatcher_.handlers().add(kEcho, echo_, "echo");
        dispatcher_.handlers().add(FrameType::heartbeat, echo_, "echo");
        dispatcher_.handlers().add(kSlow, gate_, "gate");
    }
    ~ClientSessionWaitingTest() override { gate_->close(); }
    void log_in_at_once() {
        dispatcher_.handlers().add(kLogin, echo_, "echo");
        peer_ = std::make_unique<Peer>(harness_.open());
        peer_->send(kLogin, "hello");
        harness_.settle();
        ASSERT_EQ(peer_->read().size(), 1U);
    }
    std::vector<std::string> read_bodies() {
        std::vector<std::string> bodies;
        for (const Frame& f : peer_->read()) {
            bodies.push_back(body_text(f));
        }
        return bodies;
    }

    dispatch::Dispatcher dispatcher_;
    SessionHarness harness_{dispatcher_};
    std::shared_ptr<EchoHandler> echo_ = std::make_shared<EchoHandler>();
    std::shared_ptr<GateHandler> gate_ = std::make_shared<GateHandler>(harness_.loop);
    std::unique_ptr<Peer> peer_;
};

TEST_F(ClientSessionWaitingTest, AHeartbeatIsAnsweredWhileARequestWaitsAndLaterFramesRunAfterIt) {
    log_in_at_once();
    peer_->send(kSlow, "slow");
    peer_->send(kEcho, "after-1");
    harness_.settle();
    ASSERT_EQ(gate_->waiting, 1);
    peer_->send(FrameType::heartbeat, "ping");  // read while the request waits
    peer_->send(kEcho, "after-2");
    harness_.settle();
    EXPECT_EQ(read_bodies(), std::vector<std::string>{"ping"})
        << "only the heartbeat may overtake the waiting request";

    gate_->open();
    harness_.settle();
    EXPECT_EQ(read_bodies(), (std::vector<std::string>{"slow", "after-1", "after-2"}));

    peer_->send(kEcho, "later");  // reading goes on as usual afterwards
    harness_.settle();
    EXPECT_EQ(read_bodies(), std::vector<std::string>{"later"});
}

TEST_F(ClientSessionWaitingTest, APeerClosingWhileARequestWaitsEndsTheSessionAtOnce) {
    log_in_at_once();
    peer_->send(kSlow, "slow");
    harness_.settle();
    ASSERT_EQ(gate_->waiting, 1);
    peer_->stream().finish_sending();
    harness_.settle();
    EXPECT_EQ(harness_.events.closings, 1) << "the close went unnoticed behind the request";

    gate_->open();  // the request finishes into a closed session
    harness_.settle();
    EXPECT_EQ(gate_->waiting, 0);
    EXPECT_TRUE(peer_->read().empty());
}

TEST_F(ClientSessionWaitingTest, FramesBeyondTheQueueLimitPauseReadingUntilTheRequestFinishes) {
    log_in_at_once();
    peer_->send(kSlow, "slow");
    const int behind = static_cast<int>(ClientSession::kMaxQueuedRequests) + 20;
    for (int i = 0; i < behind; ++i) {
        peer_->send(kEcho, "m" + std::to_string(i));
    }
    harness_.settle();
    ASSERT_EQ(gate_->waiting, 1);
    // One read took all of those; with the queue full, the next bytes stay in the stream.
    const int more = 5;
    for (int i = behind; i < behind + more; ++i) {
        peer_->send(kEcho, "m" + std::to_string(i));
    }
    harness_.settle();
    EXPECT_GT(peer_->stream().bytes_not_yet_read(), 0U)
        << "the session read on past its queue limit";

    gate_->open();
    std::vector<std::string> bodies;
    ASSERT_TRUE(harness_.run_until([&] {
        for (auto& b : read_bodies()) {
            bodies.push_back(std::move(b));
        }
        return bodies.size() >= static_cast<std::size_t>(behind + more) + 1;
    }));
    ASSERT_EQ(bodies.size(), static_cast<std::size_t>(behind + more) + 1);
    EXPECT_EQ(bodies[0], "slow");
    for (int i = 0; i < behind + more; ++i) {
        ASSERT_EQ(bodies[static_cast<std::size_t>(i) + 1], "m" + std::to_string(i));
    }
    EXPECT_EQ(peer_->stream().bytes_not_yet_read(), 0U);
}

TEST_F(ClientSessionWaitingTest, BeforeLoginAHeartbeatWaitsItsTurnBehindTheHandshake) {
    dispatcher_.handlers().add(kLogin, gate_, "gate");
    peer_ = std::make_unique<Peer>(harness_.open());
    peer_->send(kLogin, "hello");
    peer_->send(FrameType::heartbeat, "ping");
    harness_.settle();
    ASSERT_EQ(gate_->waiting, 1);
    EXPECT_TRUE(peer_->read().empty());

    gate_->open();
    harness_.settle();
    EXPECT_EQ(read_bodies(), (std::vector<std::string>{"hello", "ping"}));
    EXPECT_EQ(harness_.events.logins, 1);
}

}  // namespace
}  // namespace parley::net
