// Failed logins on one connection: each slows the next frame down, the last allowed one closes
// the connection (5005), and while the address is over its rate a HANDSHAKE is refused unread
// (4000 with retry_after_ms).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/net/session_harness.hpp"

namespace parley::net {
namespace {

using namespace std::chrono_literals;
using testing::goodbye_code;
using testing::Peer;
using testing::SessionHarness;

// Logs in only with the body "good"; anything else is a bad token.
class PickyLogin final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        ++attempts;
        if (testing::body_text(frame) != "good") {
            throw Error(ErrorCode::login_failed, "bad token");
        }
        ctx.session->complete_login(5);
        ctx.session->send(Frame::make(FrameType::handshake, kNoUser, 5, frame.body()));
        co_return;
    }
    int attempts = 0;
};

wire::ErrorBody error_of(const Frame& frame) {
    wire::ErrorBody error;
    EXPECT_EQ(frame.type(), FrameType::error);
    EXPECT_TRUE(frame.parse_body(error));
    return error;
}

class ClientSessionLoginTest : public ::testing::Test {
  protected:
    ClientSessionLoginTest() { dispatcher_.handlers().add(FrameType::handshake, login_, "login"); }
    SessionHarness& harness(SessionLimits limits) {
        harness_ = std::make_unique<SessionHarness>(dispatcher_, limits);
        return *harness_;
    }

    std::shared_ptr<PickyLogin> login_ = std::make_shared<PickyLogin>();
    dispatch::Dispatcher dispatcher_;
    std::unique_ptr<SessionHarness> harness_;
};

TEST_F(ClientSessionLoginTest, TheLastAllowedFailureClosesTheConnection) {
    SessionLimits limits;
    limits.max_failed_logins = 3;
    limits.failed_login_delay = 1ms;
    auto& h = harness(limits);
    Peer peer = h.open();
    for (int i = 0; i < 10; ++i) {  // a guesser pipelining its attempts
        peer.send(FrameType::handshake, "guess" + std::to_string(i));
    }
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return peer.stream().sending_shut_down();
    }));
    EXPECT_EQ(login_->attempts, 3) << "no attempt is heard after the last allowed one";
    EXPECT_EQ(h.events.failed_logins, 3);
    ASSERT_EQ(frames.size(), 4U);
    EXPECT_EQ(goodbye_code(frames.back()),
              static_cast<unsigned>(ErrorCode::too_many_failed_logins));
}

TEST_F(ClientSessionLoginTest, AFailureDelaysTheNextFrame) {
    SessionLimits limits;
    limits.failed_login_delay = 10s;  // far longer than this test waits
    auto& h = harness(limits);
    Peer peer = h.open();
    peer.send(FrameType::handshake, "wrong");
    peer.send(FrameType::handshake, "good");
    h.run_until([] { return false; }, 100ms);
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 1U) << "the second attempt waits out the delay";
    EXPECT_EQ(error_of(frames[0]).code(), static_cast<unsigned>(ErrorCode::login_failed));
    EXPECT_EQ(login_->attempts, 1);
}

TEST_F(ClientSessionLoginTest, AThrottledAddressIsRefusedWithRetryAfterAndNotHeard) {
    auto& h = harness({});
    h.events.login_wait_ = 1500ms;
    Peer peer = h.open();
    peer.send(FrameType::handshake, "good");
    h.settle();
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 1U);
    const auto error = error_of(frames[0]);
    EXPECT_EQ(error.code(), static_cast<unsigned>(ErrorCode::rate_limited));
    EXPECT_EQ(error.data(), "retry_after_ms=1500");
    EXPECT_EQ(login_->attempts, 0) << "the token was never checked";

    // Told to wait, the connection is not read again until then (at most a second): the
    // handshake sent at once is heard only after the hold.
    h.events.login_wait_.reset();
    peer.send(FrameType::handshake, "good");
    h.settle();
    EXPECT_TRUE(peer.read().empty()) << "heard during the hold";
    std::vector<Frame> answers;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& frame : peer.read()) {
            answers.push_back(std::move(frame));
        }
        return !answers.empty();
    }));
    ASSERT_EQ(answers.size(), 1U);
    EXPECT_EQ(h.events.logins, 1);
}

}  // namespace
}  // namespace parley::net
