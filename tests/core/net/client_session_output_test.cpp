// Output that waits for slow readers: the node's cap on all queues together (the largest are
// closed first, as slow consumers) and the GOODBYE 5002 that must still reach a slow reader.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "core/net/session_harness.hpp"

namespace parley::net {
namespace {

using testing::goodbye_code;
using testing::Peer;
using testing::SessionHarness;

constexpr auto kLogin = FrameType::handshake;
constexpr auto kEcho = FrameType{0x81};

class LoginHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        ctx.session->complete_login(5);
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
        co_return;
    }
};

class ClientSessionOutputTest : public ::testing::Test {
  protected:
    ClientSessionOutputTest() {
        dispatcher_.handlers().add(kLogin, std::make_shared<LoginHandler>(), "login");
    }
    SessionHarness& harness(SessionLimits limits) {
        harness_ = std::make_unique<SessionHarness>(dispatcher_, limits);
        return *harness_;
    }
    static Peer logged_in(SessionHarness& h) {
        Peer peer = h.open();
        peer.send(kLogin, "hello");
        h.settle();
        EXPECT_EQ(peer.read().size(), 1U);
        return peer;
    }
    static Peer logged_in_not_reading(SessionHarness& h) {
        Peer peer = logged_in(h);
        peer.stream().limit_unread(0);  // reads nothing from now on
        return peer;
    }
    /// The bodies of the echo frames `peer` has read.
    static std::vector<std::string> echoes(Peer& peer) {
        std::vector<std::string> bodies;
        for (const Frame& frame : peer.read()) {
            if (frame.type() == kEcho) {
                bodies.push_back(testing::body_text(frame));
            }
        }
        return bodies;
    }
    static void queue(Peer& peer, int frames) {
        for (int i = 0; i < frames; ++i) {
            peer.session().send(Peer::frame(kEcho, std::string(986, 'q')));  // 1000 bytes
        }
    }

    dispatch::Dispatcher dispatcher_;
    std::unique_ptr<SessionHarness> harness_;
};

TEST_F(ClientSessionOutputTest, OverTheNodesCapTheLargestQueuesCloseFirst) {
    SessionLimits limits;
    limits.write_queue_limit = 64 * 1024;
    limits.max_queued_output = 10'000;
    auto& h = harness(limits);
    Peer big = logged_in_not_reading(h);
    Peer middle = logged_in_not_reading(h);
    Peer small = logged_in_not_reading(h);
    queue(big, 6);
    queue(middle, 4);
    queue(small, 2);  // 12 000 bytes in all, each queue under its own limit
    h.settle();
    EXPECT_EQ(h.events.leavings, 1) << "closing the largest brings the node under its cap";
    EXPECT_EQ(big.session().queued_output() < 1000, true) << "its queue was dropped";

    big.stream().limit_unread(1 << 20);
    h.settle();
    const auto frames = big.read();
    ASSERT_EQ(frames.size(), 1U) << "nothing but the goodbye was ever written";
    EXPECT_EQ(goodbye_code(frames[0]), static_cast<unsigned>(ErrorCode::slow_consumer));
    EXPECT_FALSE(middle.stream().sending_shut_down());
    EXPECT_FALSE(small.stream().sending_shut_down());
}

TEST_F(ClientSessionOutputTest, TheSlowConsumersGoodbyeComesRightAfterTheFrameBeingWritten) {
    SessionLimits limits;
    limits.max_frame_size = 1024;
    limits.write_queue_limit = 8000;
    auto& h = harness(limits);
    Peer peer = logged_in_not_reading(h);
    peer.stream().limit_unread(1500);  // the socket takes a frame and a half, then is full
    queue(peer, 3);
    h.settle();       // one write: the batch of three is in flight, 1500 bytes of it written
    queue(peer, 10);  // past the limit
    h.settle();
    ASSERT_EQ(h.events.leavings, 1);
    std::vector<Frame> frames;
    ASSERT_TRUE(h.run_until([&] {
        for (auto& f : peer.read()) {  // reading, slowly, now
            frames.push_back(std::move(f));
        }
        return peer.stream().sending_shut_down();
    }));
    ASSERT_EQ(frames.size(), 3U) << "the whole frame, the half-written one, then the goodbye";
    EXPECT_EQ(goodbye_code(frames.back()), static_cast<unsigned>(ErrorCode::slow_consumer));
}

TEST_F(ClientSessionOutputTest, FramesFromEachThreadArriveInTheOrderThatThreadSentThem) {
    auto& h = harness(SessionLimits{});
    Peer peer = logged_in(h);
    auto work = boost::asio::make_work_guard(h.loop);
    h.loop.restart();
    std::thread loop([&] { h.loop.run(); });  // a loop on a thread of its own, as in parleyd
    constexpr int kEach = 2000;
    auto sender = [&](char tag) {
        return std::thread([&peer, tag] {
            for (int i = 0; i < kEach; ++i) {
                peer.session().send(Peer::frame(kEcho, tag + std::to_string(i)));
            }
        });
    };
    std::thread a = sender('a');
    std::thread b = sender('b');
    a.join();
    b.join();
    // Queued behind every send; what is left (the writes) runs here, as the loop is stopped.
    boost::asio::post(h.loop, [&] { h.loop.stop(); });
    loop.join();
    work.reset();
    h.settle();

    std::vector<int> next(2, 0);
    for (const std::string& body : echoes(peer)) {
        const int from = body[0] - 'a';
        ASSERT_EQ(body.substr(1), std::to_string(next[from])) << "from thread " << body[0];
        ++next[from];
    }
    EXPECT_EQ(next[0], kEach);
    EXPECT_EQ(next[1], kEach);
}

}  // namespace
}  // namespace parley::net
