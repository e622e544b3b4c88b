// ConversationLanes: per-conversation order and the shared in-flight budget of the Redis log's
// appends, without Redis: each "append" holds its turn until the test lets it go.
#include "conversation_lanes.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace parley::plugins::message_log_redis {
namespace {

namespace asio = boost::asio;
using ::testing::ElementsAre;
using Turn = ConversationLanes::Turn;

/// Appends that hold their turn until release() lets the oldest held one go.
struct Appends {
    explicit Appends(std::size_t max_in_flight) : lanes(max_in_flight) {}

    void start(Conversation conversation, int id, UserId sender = 1) {
        asio::co_spawn(io, run(conversation, sender, id), asio::detached);
    }
    /// Runs what is ready; waiting appends stay parked (run() would wait for them).
    void settle() {
        io.restart();
        while (io.poll() > 0) {
        }
    }
    /// Ends the oldest append that holds a turn.
    void release_oldest() {
        ASSERT_FALSE(held.empty());
        held.erase(held.begin());
    }
    asio::awaitable<void> run(Conversation conversation, UserId sender, int id) {
        Turn turn = co_await lanes.enter(conversation, sender);
        started.push_back(id);
        held.push_back(std::make_unique<Turn>(std::move(turn)));
    }

    asio::io_context io;
    ConversationLanes lanes;
    std::vector<int> started;
    std::vector<std::unique_ptr<Turn>> held;
};

const Conversation kAb = Conversation::direct(1, 2);
const Conversation kAc = Conversation::direct(1, 3);
const Conversation kGroup = Conversation::group(9);

TEST(ConversationLanesTest, OneAppendAtATimePerConversationInCallOrder) {
    Appends appends(64);
    for (int id = 1; id <= 3; ++id) {
        appends.start(kAb, id);
    }
    appends.start(kAc, 4);
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 4)) << "the second of a-b waits, a-c does not";

    appends.release_oldest();  // 1
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 4, 2));
    appends.release_oldest();  // 4
    appends.release_oldest();  // 2
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 4, 2, 3));
    appends.release_oldest();
    EXPECT_EQ(appends.lanes.in_flight(), 0u);
}

TEST(ConversationLanesTest, OtherSendersToTheSameConversationDoNotWait) {
    // A busy group: each sender's appends keep their order, but one sender's do not hold up
    // another's.
    Appends appends(64);
    appends.start(kGroup, 1, 11);
    appends.start(kGroup, 2, 11);
    appends.start(kGroup, 3, 12);
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 3));
    appends.release_oldest();  // 1
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 3, 2));
    appends.release_oldest();
    appends.release_oldest();
}

TEST(ConversationLanesTest, TheBudgetBoundsAppendsInFlightAndServesThemInTurn) {
    Appends appends(2);
    appends.start(kAb, 1);
    appends.start(kAc, 2);
    appends.start(kGroup, 3);  // over the budget
    appends.start(kAb, 4);     // behind 1 in its lane
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 2));
    EXPECT_EQ(appends.lanes.in_flight(), 2u);

    // 1 ends: its lane's next (4) queues behind 3, which waited for a slot first.
    appends.release_oldest();
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 2, 3));
    EXPECT_EQ(appends.lanes.in_flight(), 2u);

    appends.release_oldest();  // 2
    appends.settle();
    EXPECT_THAT(appends.started, ElementsAre(1, 2, 3, 4));
    appends.release_oldest();
    appends.release_oldest();
    EXPECT_EQ(appends.lanes.in_flight(), 0u);
}

TEST(ConversationLanesTest, TurnsPassBetweenThreadsWithoutLosingOrder) {
    // Two loops on their own threads append to the same conversations; every append takes a
    // turn, the budget is never exceeded, and each loop's appends to a conversation keep the
    // order in which that loop made them.
    constexpr int kPerLoop = 2000;
    constexpr std::size_t kBudget = 3;
    ConversationLanes lanes(kBudget);
    std::atomic<std::size_t> peak{0};
    std::atomic<std::size_t> holding{0};
    struct Loop {
        asio::io_context io;
        std::vector<std::vector<int>> order{3};
    };
    Loop loops[2];
    const Conversation conversations[] = {kAb, kAc, kGroup};
    for (Loop& loop : loops) {
        for (int i = 0; i < kPerLoop; ++i) {
            asio::co_spawn(
                loop.io,
                [](ConversationLanes& target, Conversation to, std::vector<int>& seen, int id,
                   std::atomic<std::size_t>& now,
                   std::atomic<std::size_t>& most) -> asio::awaitable<void> {
                    const Turn turn = co_await target.enter(to, 1);
                    const std::size_t inside = ++now;
                    std::size_t before = most.load();
                    while (inside > before && !most.compare_exchange_weak(before, inside)) {
                    }
                    seen.push_back(id);
                    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
                    --now;
                }(lanes, conversations[i % 3], loop.order[i % 3], i, holding, peak),
                asio::detached);
        }
    }
    std::thread other([&] { loops[1].io.run(); });
    loops[0].io.run();
    other.join();
    EXPECT_LE(peak.load(), kBudget);
    EXPECT_EQ(lanes.in_flight(), 0u);
    for (const Loop& loop : loops) {
        for (int c = 0; c < 3; ++c) {
            ASSERT_EQ(loop.order[c].size(),
                      static_cast<std::size_t>(kPerLoop / 3 + (c < kPerLoop % 3)));
            EXPECT_TRUE(std::is_sorted(loop.order[c].begin(), loop.order[c].end()));
        }
    }
}

}  // namespace
}  // namespace parley::plugins::message_log_redis
