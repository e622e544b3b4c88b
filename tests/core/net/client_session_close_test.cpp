// How a ClientSession ends a connection it cannot trust any more (a bad header, an oversized
// frame, one too large before login): the answers to earlier requests, then ERROR and GOODBYE,
// then a lingering close that reads and drops what the peer still sends, so the peer's kernel
// is not reset before it read the goodbye.
#include <chrono>
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

using namespace std::chrono_literals;
using testing::body_text;
using testing::goodbye_code;
using testing::Peer;
using testing::SessionHarness;

constexpr auto kLogin = FrameType::handshake;
constexpr auto kEcho = FrameType{0x81};
constexpr auto kSlow = FrameType{0x82};

// Echoes the body; a handshake logs in as user 5; kSlow waits until the test opens the gate.
class Handlers final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        if (frame.type() == kSlow) {
            gate_.emplace(co_await asio::this_coro::executor,
                          boost::asio::steady_timer::time_point::max());
            boost::system::error_code ec;
            co_await gate_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
        if (frame.type() == kLogin) {
            ctx.session->complete_login(5);
        }
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
    }
    void open() { gate_->cancel(); }

  private:
    std::optional<boost::asio::steady_timer> gate_;
};

std::uint32_t error_code_of(const Frame& frame) {
    wire::ErrorBody error;
    if (frame.type() != FrameType::error || !frame.parse_body(error)) {
        return 0;
    }
    return error.code();
}

// A header announcing `body` bytes of frame type 0x81.
std::string header_announcing(std::uint32_t body) {
    std::string header(kFrameHeaderSize, '\0');
    header[0] = static_cast<char>(kFrameMagic);
    put_u32(reinterpret_cast<std::uint8_t*>(header.data()) + 1, kMinFrameLength + body);
    header[5] = static_cast<char>(kEcho);
    return header;
}

class ClientSessionCloseTest : public ::testing::Test {
  protected:
    ClientSessionCloseTest() {
        for (FrameType type : {kLogin, kEcho, kSlow}) {
            dispatcher_.handlers().add(type, handlers_, "test");
        }
    }
    SessionHarness& harness(SessionLimits limits = {}) {
        harness_ = std::make_unique<SessionHarness>(dispatcher_, limits);
        return *harness_;
    }

    std::unique_ptr<SessionHarness> harness_;
    std::shared_ptr<Handlers> handlers_ = std::make_shared<Handlers>();
    dispatch::Dispatcher dispatcher_;
};

TEST_F(ClientSessionCloseTest, ABadHeaderWithTrailingBytesIsAnsweredAndTheTrailLinger) {
    auto& h = harness();
    Peer peer = h.open();
    peer.send(kEcho, "before");  // refused: not logged in (no handshake) - still answered first
    peer.stream().deliver(std::string("\x01\x02garbage that follows the bad header", 37));
    h.settle();
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 3U);
    EXPECT_EQ(frames[0].type(), FrameType::error);  // the answer to the earlier frame
    EXPECT_EQ(error_code_of(frames[1]), static_cast<unsigned>(ErrorCode::bad_frame));
    EXPECT_EQ(goodbye_code(frames[2]), static_cast<unsigned>(ErrorCode::bad_frame));
    EXPECT_TRUE(peer.stream().sending_shut_down());
    EXPECT_FALSE(peer.stream().closed()) << "closed with the peer's bytes unread: a reset";
    EXPECT_EQ(peer.stream().bytes_not_yet_read(), 0U) << "the trailing bytes are read and dropped";

    peer.stream().deliver(std::string(100'000, 'x'));  // still more: read and dropped too
    h.settle();
    EXPECT_EQ(peer.stream().bytes_not_yet_read(), 0U);
    EXPECT_FALSE(peer.stream().closed());
    peer.stream().finish_sending();
    h.settle();
    EXPECT_TRUE(peer.stream().closed());
    EXPECT_EQ(h.events.closings, 1);
}

TEST_F(ClientSessionCloseTest, ALingerEndsAtItsDeadlineOrAfterEnoughBytes) {
    SessionLimits limits;
    limits.close_linger = 50ms;
    auto& h = harness(limits);
    Peer quiet = h.open();
    quiet.stream().deliver(std::string(1, '\x07'));
    EXPECT_TRUE(h.run_until([&] { return quiet.stream().closed(); }))
        << "a peer that never closes is closed at the linger's deadline";

    Peer flooding = h.open();
    flooding.stream().deliver(std::string(1, '\x07'));
    h.settle();
    for (int i = 0; i < 40 && !flooding.stream().closed(); ++i) {
        flooding.stream().deliver(std::string(64 * 1024, 'x'));
        h.settle();
    }
    EXPECT_TRUE(flooding.stream().closed()) << "a linger reads a bounded number of bytes";
}

TEST_F(ClientSessionCloseTest, AnswersToARequestThatWaitsComeBeforeTheError) {
    auto& h = harness();
    Peer peer = h.open();
    peer.send(kLogin, "hello");
    h.settle();
    ASSERT_EQ(peer.read().size(), 1U);
    peer.send(kSlow, "slow");
    peer.send(kEcho, "queued");
    peer.stream().deliver(std::string("\xAB\x00\x00\x00\x01", 5));  // length 1: a bad header
    h.settle();
    EXPECT_TRUE(peer.read().empty()) << "nothing before the waiting request's answer";
    handlers_->open();
    ASSERT_TRUE(h.run_until([&] { return peer.stream().sending_shut_down(); }));
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 4U);
    EXPECT_EQ(body_text(frames[0]), "slow");
    EXPECT_EQ(body_text(frames[1]), "queued");
    EXPECT_EQ(error_code_of(frames[2]), static_cast<unsigned>(ErrorCode::bad_frame));
    EXPECT_EQ(goodbye_code(frames[3]), static_cast<unsigned>(ErrorCode::bad_frame));
}

TEST_F(ClientSessionCloseTest, BeforeLoginAFrameOverThePreLoginLimitEndsTheConnection) {
    SessionLimits limits;
    limits.max_frame_size = 64 * 1024 * 1024;
    limits.prelogin_max_frame_size = 4096;
    auto& h = harness(limits);
    Peer peer = h.open();
    peer.stream().deliver(header_announcing(64 * 1024 * 1024));
    h.settle();
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 2U);
    EXPECT_EQ(error_code_of(frames[0]), static_cast<unsigned>(ErrorCode::frame_too_large));
    EXPECT_EQ(goodbye_code(frames[1]), static_cast<unsigned>(ErrorCode::frame_too_large));
}

TEST_F(ClientSessionCloseTest, AfterLoginTheFullFrameSizeApplies) {
    SessionLimits limits;
    limits.prelogin_max_frame_size = 4096;
    auto& h = harness(limits);
    Peer peer = h.open();
    peer.send(kLogin, "hello");
    h.settle();
    ASSERT_EQ(peer.read().size(), 1U);
    const std::string big(limits.max_frame_size, 'b');
    peer.send(kEcho, big);
    h.settle();
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(body_text(frames[0]), big);
}

}  // namespace
}  // namespace parley::net
