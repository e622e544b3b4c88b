// A ClientSession on an in-memory stream: how bytes arrive (split, pipelined), how fast the
// client reads (back-pressure, slow readers) and how the session ends, without sockets.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

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

class ClientSessionStreamTest : public ::testing::Test {
  protected:
    ClientSessionStreamTest() {
        auto echo = std::make_shared<EchoHandler>();
        dispatcher_.handlers().add(kLogin, echo, "echo");
        dispatcher_.handlers().add(kEcho, echo, "echo");
    }

    /// A harness with these limits; the dispatcher is the test's.
    SessionHarness& harness(SessionLimits limits = {}) {
        harness_ = std::make_unique<SessionHarness>(dispatcher_, limits);
        return *harness_;
    }
    Peer logged_in(SessionHarness& h) {
        Peer peer = h.open();
        peer.send(kLogin, "hello");
        h.settle();
        const auto frames = peer.read();
        EXPECT_EQ(frames.size(), 1U);
        return peer;
    }

    dispatch::Dispatcher dispatcher_;
    std::unique_ptr<SessionHarness> harness_;
};

TEST_F(ClientSessionStreamTest, AFrameSplitByteByByteIsAnsweredOnce) {
    auto& h = harness();
    Peer peer = h.open();
    const Frame login = Peer::frame(kLogin, "hello");
    for (const std::uint8_t byte : login.bytes()) {
        EXPECT_TRUE(peer.read().empty()) << "answered before the frame was whole";
        peer.stream().deliver(std::span<const std::uint8_t>(&byte, 1));
        h.settle();
    }
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(body_text(frames[0]), "hello");
    EXPECT_EQ(h.events.logins, 1);
}

TEST_F(ClientSessionStreamTest, AFrameSplitAcrossReadsAtEveryPointIsDecoded) {
    auto& h = harness();
    Peer peer = logged_in(h);
    const Frame one = Peer::frame(kEcho, "first");
    const Frame two = Peer::frame(kEcho, "second");
    std::vector<std::uint8_t> both(one.bytes().begin(), one.bytes().end());
    both.insert(both.end(), two.bytes().begin(), two.bytes().end());
    for (std::size_t cut = 1; cut < both.size(); ++cut) {
        peer.stream().deliver(std::span(both).first(cut));
        h.settle();
        peer.stream().deliver(std::span(both).subspan(cut));
        h.settle();
        const auto frames = peer.read();
        ASSERT_EQ(frames.size(), 2U) << "cut at " << cut;
        EXPECT_EQ(body_text(frames[0]), "first");
        EXPECT_EQ(body_text(frames[1]), "second");
    }
}

TEST_F(ClientSessionStreamTest, APipelinedBurstInOneWriteIsAnsweredInOrder) {
    auto& h = harness();
    Peer peer = logged_in(h);
    std::vector<std::uint8_t> burst;
    for (int i = 0; i < 500; ++i) {
        const Frame f = Peer::frame(kEcho, "m" + std::to_string(i));
        burst.insert(burst.end(), f.bytes().begin(), f.bytes().end());
    }
    peer.stream().deliver(burst);
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return frames.size() >= 500;
    }));
    ASSERT_EQ(frames.size(), 500U);
    for (int i = 0; i < 500; ++i) {
        ASSERT_EQ(body_text(frames[static_cast<std::size_t>(i)]), "m" + std::to_string(i));
    }
}

TEST_F(ClientSessionStreamTest, APipelinedBurstOverTheQueueLimitIsServedToAReadingClient) {
    // Fourteen 74-byte frames answered in one read would queue 1036 bytes, over the 1 KiB
    // limit, before any is written: the session must stop decoding at the high-water mark.
    SessionLimits limits;
    limits.max_frame_size = 512;
    limits.write_queue_limit = 1024;
    auto& h = harness(limits);
    Peer peer = logged_in(h);
    peer.stream().limit_unread(200);  // and the "socket" holds little
    std::vector<std::uint8_t> burst;
    const std::string body(60, 'h');
    for (int i = 0; i < 14; ++i) {
        const Frame f = Peer::frame(kEcho, body);
        ASSERT_EQ(f.bytes().size(), 74U);
        burst.insert(burst.end(), f.bytes().begin(), f.bytes().end());
    }
    peer.stream().deliver(burst);
    std::vector<Frame> frames;
    h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return frames.size() >= 14;
    });
    ASSERT_EQ(frames.size(), 14U);
    for (const auto& f : frames) {
        EXPECT_EQ(f.type(), kEcho) << "goodbye code " << goodbye_code(f);
    }
    EXPECT_FALSE(peer.stream().closed());
}

TEST_F(ClientSessionStreamTest, AReaderTakingFewBytesAtATimeGetsEveryFrameWhole) {
    auto& h = harness();
    Peer peer = logged_in(h);
    peer.stream().limit_unread(7);  // every write stops inside a frame
    for (int i = 0; i < 20; ++i) {
        peer.session().send(Peer::frame(kEcho, "pushed " + std::to_string(i)));
        if (i % 5 == 0) {
            h.settle();  // frames queue behind a write waiting for room
        }
    }
    std::vector<Frame> frames;
    h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return frames.size() >= 20;
    });
    ASSERT_EQ(frames.size(), 20U);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(body_text(frames[static_cast<std::size_t>(i)]), "pushed " + std::to_string(i));
    }
}

TEST_F(ClientSessionStreamTest, AClientThatDoesNotReadIsDisconnectedAtTheQueueLimit) {
    SessionLimits limits;
    limits.max_frame_size = 1024;
    limits.write_queue_limit = 4096;
    auto& h = harness(limits);
    Peer peer = logged_in(h);
    peer.stream().limit_unread(1000);
    const std::string body(500, 'x');
    for (int i = 0; i < 20; ++i) {
        peer.session().send(Peer::frame(kEcho, body));
        h.settle();
    }
    EXPECT_EQ(h.events.leavings, 1) << "still routed to after passing the limit";
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return peer.stream().closed();
    }));
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(goodbye_code(frames.back()), static_cast<unsigned>(ErrorCode::slow_consumer));
    EXPECT_LT(frames.size(), 20U) << "frames past the limit were dropped";
}

TEST_F(ClientSessionStreamTest, PeerEofEndsTheSessionQuietly) {
    auto& h = harness();
    Peer peer = logged_in(h);
    peer.stream().finish_sending();
    h.settle();
    EXPECT_TRUE(peer.stream().closed());
    EXPECT_TRUE(peer.read().empty()) << "no goodbye to a peer that left";
    EXPECT_EQ(h.events.leavings, 1);
    EXPECT_EQ(h.events.closings, 1);
}

TEST_F(ClientSessionStreamTest, APeerResetWhileWritesWaitEndsTheSession) {
    auto& h = harness();
    Peer peer = logged_in(h);
    peer.stream().limit_unread(10);
    peer.session().send(Peer::frame(kEcho, std::string(100, 'y')));
    h.settle();
    EXPECT_FALSE(peer.stream().closed());
    peer.stream().reset();
    h.settle();
    EXPECT_TRUE(peer.stream().closed());
    EXPECT_EQ(h.events.closings, 1);
}

TEST_F(ClientSessionStreamTest, ServerCloseSendsGoodbyeThenCloses) {
    auto& h = harness();
    Peer peer = logged_in(h);
    peer.session().close(Error(ErrorCode::server_shutdown, "bye"));
    h.settle();
    const auto frames = peer.read();
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(goodbye_code(frames[0]), static_cast<unsigned>(ErrorCode::server_shutdown));
    // A lingering close: the sending side ends, and the session waits for the peer's end.
    EXPECT_TRUE(peer.stream().sending_shut_down());
    EXPECT_FALSE(peer.stream().closed());
    peer.stream().finish_sending();
    h.settle();
    EXPECT_TRUE(peer.stream().closed());
    EXPECT_EQ(h.events.closings, 1);
}

TEST_F(ClientSessionStreamTest, ServerCloseWaitsForTheGoodbyeToDrain) {
    auto& h = harness();
    Peer peer = logged_in(h);
    peer.stream().limit_unread(5);
    peer.session().close(Error(ErrorCode::server_shutdown, "bye"));
    h.settle();
    EXPECT_FALSE(peer.stream().closed()) << "closed before the goodbye was out";
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return peer.stream().closed();
    }));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(goodbye_code(frames[0]), static_cast<unsigned>(ErrorCode::server_shutdown));
}

TEST_F(ClientSessionStreamTest, NoHandshakeWithinTheTimeoutIsGoodbye5000) {
    SessionLimits limits;
    limits.handshake_timeout = 50ms;
    auto& h = harness(limits);
    Peer peer = h.open();
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return peer.stream().closed();
    }));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(goodbye_code(frames[0]), static_cast<unsigned>(ErrorCode::handshake_timeout));
}

TEST_F(ClientSessionStreamTest, BytesTrickledWithoutAWholeFrameDoNotKeepTheSessionAlive) {
    SessionLimits limits;
    limits.heartbeat_interval = 100ms;
    limits.idle_heartbeats = 2;
    limits.frame_timeout = 300ms;
    auto& h = harness(limits);
    Peer peer = logged_in(h);
    // One byte every 20 ms: the 74-byte frame would take 1.5 s, five times the frame timeout.
    const Frame slow = Peer::frame(kEcho, std::string(60, 's'));
    std::vector<Frame> frames;
    for (const std::uint8_t byte : slow.bytes()) {
        if (peer.stream().closed()) {
            break;
        }
        peer.stream().deliver(std::span<const std::uint8_t>(&byte, 1));
        h.run_until([] { return false; }, 20ms);
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
    }
    ASSERT_FALSE(frames.empty()) << "the trickling client was never closed";
    EXPECT_EQ(goodbye_code(frames.back()), static_cast<unsigned>(ErrorCode::idle_timeout));
    EXPECT_TRUE(h.run_until([&] { return peer.stream().closed(); }));
}

TEST_F(ClientSessionStreamTest, WholeFramesKeepTheSessionAlivePastTheIdleLimit) {
    SessionLimits limits;
    limits.heartbeat_interval = 50ms;
    limits.idle_heartbeats = 2;
    auto& h = harness(limits);
    Peer peer = logged_in(h);
    for (int i = 0; i < 10; ++i) {  // 300 ms: three times the idle limit
        peer.send(kEcho, "alive");
        h.run_until([] { return false; }, 30ms);
        const auto frames = peer.read();
        ASSERT_EQ(frames.size(), 1U);
        ASSERT_EQ(frames[0].type(), kEcho);
    }
    // Then silence closes it.
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {
            frames.push_back(std::move(f));
        }
        return peer.stream().closed();
    }));
    ASSERT_EQ(frames.size(), 1U);
    EXPECT_EQ(goodbye_code(frames[0]), static_cast<unsigned>(ErrorCode::idle_timeout));
}

}  // namespace
}  // namespace parley::net
