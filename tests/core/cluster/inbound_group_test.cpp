// Group messages consumed from the transport, handed to the members logged in on this node:
// in the order consumed, and through a Store outage.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <parley/error.hpp>

#include "cluster/inbound_delivery.hpp"
#include "cluster/router.hpp"
#include "support/empty_store.hpp"
#include "support/receiving_session.hpp"

namespace parley::cluster {
namespace {

using namespace std::chrono_literals;

/// Keeps the first body byte of every frame sent to it.
class RecordingSession final : public test::ReceivingSession {
  public:
    explicit RecordingSession(UserId user = 7) : ReceivingSession(user) {}
    void send(Frame frame) override {
        const std::lock_guard lock(mutex_);
        got_.push_back(frame.body()[0]);
        changed_.notify_all();
    }

    /// What arrived once `count` frames did, or after 5 s.
    std::vector<std::uint8_t> wait_for(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, 5s, [&] { return got_.size() >= count; });
        return got_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::uint8_t> got_;
};

/// Group 1's members are 7 and 8. The first lookup answers slowly; lookups fail once `down`.
class SlowFirstStore final : public test::EmptyStore {
  public:
    asio::awaitable<bool> is_member(GroupId, UserId) override { co_return true; }
    asio::awaitable<std::vector<UserId>> group_members(GroupId) override {
        if (down) {
            throw Error(ErrorCode::backend_unavailable, "the store is down");
        }
        if (calls++ == 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor, 200ms);
            co_await timer.async_wait(asio::use_awaitable);
        }
        co_return std::vector<UserId>{7, 8};
    }

    std::atomic<int> calls{0};
    std::atomic<bool> down{false};
};

class NoTransport final : public Transport {
  public:
    void start(const std::string&, TransportListener&) override {}
    asio::awaitable<void> publish_to_node(std::string, Envelope) override { co_return; }
    asio::awaitable<void> publish_to_group(GroupId, Frame) override { co_return; }
    void adopt_route(const std::string&) override {}
    void release_route(const std::string&) override {}
    void stop() override {}
};

Frame message(std::uint8_t marker) {
    const std::uint8_t body[] = {marker};
    return Frame::make(FrameType::group_message, 8, 1, body);
}

class InboundGroupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        directory.insert(7, session);
        loops.start();
    }
    void TearDown() override {
        loops.stop();
        loops.join();
    }

    LocalDirectory directory;
    SlowFirstStore store;
    net::LoopPool loops{1};
    std::shared_ptr<RecordingSession> session = std::make_shared<RecordingSession>();
    NoTransport transport;
    FanOutBacklog backlog{config::FanOutLimits{}};
    GroupFanOut groups{directory, store, loops, backlog};
    ClusterRouter router{"node-1", directory, store, transport, groups, backlog};
    InboundDelivery inbound{"node-1", directory, store, router, transport, loops, groups};
};

TEST_F(InboundGroupTest, KeepsAGroupsOrderWhenALookupIsSlow) {
    for (std::uint8_t i = 1; i <= 3; ++i) {
        inbound.on_group_message(1, message(i));
    }
    EXPECT_EQ(session->wait_for(3), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(InboundGroupTest, HandsOutToTheLastKnownMembersWhileTheStoreIsDown) {
    inbound.on_group_message(1, message(1));
    ASSERT_EQ(session->wait_for(1).size(), 1u);
    store.down = true;
    inbound.on_group_message(1, message(2));
    inbound.on_group_message(1, message(3));
    EXPECT_EQ(session->wait_for(3), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(InboundGroupTest, FindsTheMembersHereWhenTheNodeHasMoreSessionsThanTheGroupMembers) {
    // Members 7 and 8; sessions 7, 9, 10: looked up member by member, not walked.
    auto other = std::make_shared<RecordingSession>(9);
    auto third = std::make_shared<RecordingSession>(10);
    directory.insert(9, other);
    directory.insert(10, third);
    for (std::uint8_t i = 1; i <= 3; ++i) {
        inbound.on_group_message(1, message(i));
    }
    EXPECT_EQ(session->wait_for(3), (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_TRUE(other->wait_for(0).empty());
    EXPECT_TRUE(third->wait_for(0).empty());
}

TEST_F(InboundGroupTest, HandsOutEveryMessageOnceAndReleasesItsBacklog) {
    // More than a batch, so that the drain yields to the loop and takes up again.
    constexpr std::size_t kMessages = GroupFanOut::kBatch * 2 + 10;
    for (std::size_t i = 0; i < kMessages; ++i) {
        inbound.on_group_message(1, message(static_cast<std::uint8_t>(i)));
    }
    EXPECT_EQ(session->wait_for(kMessages).size(), kMessages);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (backlog.node().messages != 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    EXPECT_EQ(backlog.node().messages, 0u);
    EXPECT_EQ(backlog.node().bytes, 0u);
    EXPECT_EQ(backlog.group(1).messages, 0u);
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(session->wait_for(0).size(), kMessages) << "a message was handed out twice";
}

TEST_F(InboundGroupTest, ShutsDownWhileADrainWaitsForTheStore) {
    // The drain is suspended in the slow first lookup when the test ends: the fan-out goes
    // first, then the loop destroys the drain's frame, which must not touch the fan-out any
    // more (AddressSanitizer reports the use after free if it does).
    inbound.on_group_message(1, message(1));
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (store.calls == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_EQ(store.calls, 1);
    EXPECT_TRUE(session->wait_for(0).empty());
}

TEST(GroupRefusalTest, TheRouterRefusesAGroupOverItsMarkWithRetryAfter) {
    LocalDirectory directory;
    SlowFirstStore store;
    NoTransport transport;
    config::FanOutLimits limits;
    limits.group_messages = 2;
    FanOutBacklog backlog(limits);
    net::LoopPool loops{1};
    GroupFanOut groups{directory, store, loops, backlog};
    ClusterRouter router{"node-1", directory, store, transport, groups, backlog};
    const RecordingSession sender(8);
    EXPECT_FALSE(router.refuse_group_message(1, sender));
    backlog.add(1, 20);
    backlog.add(1, 20);
    const auto refusal = router.refuse_group_message(1, sender);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->code(), ErrorCode::rate_limited);
    EXPECT_EQ(refusal->data(),
              "retry_after_ms=" + std::to_string(FanOutBacklog::kUnknownPaceWait.count()));
    EXPECT_FALSE(router.refuse_group_message(2, sender));
}

}  // namespace
}  // namespace parley::cluster
