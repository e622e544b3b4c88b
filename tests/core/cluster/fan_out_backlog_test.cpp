// The group fan-out's backlog: what it counts per group and on the node, when a group or the
// node is over its mark, and how long a refused sender is told to wait.
#include "cluster/fan_out_backlog.hpp"

#include <chrono>

#include <gtest/gtest.h>

namespace parley::cluster {
namespace {

using namespace std::chrono_literals;

config::FanOutLimits small_limits() {
    config::FanOutLimits limits;
    limits.group_messages = 10;
    limits.group_bytes = 1000;
    limits.node_messages = 25;
    limits.node_bytes = 10000;
    return limits;
}

void add(FanOutBacklog& backlog, GroupId group, int messages, std::size_t bytes_each) {
    for (int i = 0; i < messages; ++i) {
        backlog.add(group, bytes_each);
    }
}

TEST(FanOutBacklogTest, CountsMessagesAndBytesPerGroupAndOnTheNode) {
    FanOutBacklog backlog(small_limits());
    add(backlog, 1, 3, 10);
    add(backlog, 2, 2, 50);
    EXPECT_EQ(backlog.group(1).messages, 3u);
    EXPECT_EQ(backlog.group(1).bytes, 30u);
    EXPECT_EQ(backlog.group(2).bytes, 100u);
    EXPECT_EQ(backlog.node().messages, 5u);
    EXPECT_EQ(backlog.node().bytes, 130u);

    backlog.remove(1, 2, 20, 1ms);
    EXPECT_EQ(backlog.group(1).messages, 1u);
    EXPECT_EQ(backlog.group(1).bytes, 10u);
    EXPECT_EQ(backlog.node().messages, 3u);
    EXPECT_EQ(backlog.node().bytes, 110u);

    backlog.remove(1, 1, 10, 1ms);
    backlog.remove(2, 2, 100, 1ms);
    EXPECT_EQ(backlog.group(1).messages, 0u);
    EXPECT_EQ(backlog.node().messages, 0u);
    EXPECT_EQ(backlog.node().bytes, 0u);
}

TEST(FanOutBacklogTest, RefusesOnlyTheGroupOverItsMark) {
    FanOutBacklog backlog(small_limits());
    add(backlog, 1, 9, 1);
    EXPECT_FALSE(backlog.wait_before(1));
    add(backlog, 1, 1, 1);
    EXPECT_TRUE(backlog.wait_before(1));
    EXPECT_FALSE(backlog.wait_before(2));
    backlog.remove(1, 1, 1, 1ms);
    EXPECT_FALSE(backlog.wait_before(1));
}

TEST(FanOutBacklogTest, RefusesAGroupOverItsMarkInBytes) {
    FanOutBacklog backlog(small_limits());
    add(backlog, 1, 2, 499);
    EXPECT_FALSE(backlog.wait_before(1));
    add(backlog, 1, 1, 2);
    EXPECT_TRUE(backlog.wait_before(1));
}

TEST(FanOutBacklogTest, RefusesEveryGroupWhileTheNodeIsOverItsMark) {
    FanOutBacklog backlog(small_limits());
    for (GroupId group = 1; group <= 5; ++group) {
        add(backlog, group, 5, 1);  // each below its own mark; 25 on the node
    }
    EXPECT_TRUE(backlog.wait_before(1));
    EXPECT_TRUE(backlog.wait_before(99));  // a group with nothing waiting
    backlog.remove(3, 1, 1, 1ms);
    EXPECT_FALSE(backlog.wait_before(99));
}

TEST(FanOutBacklogTest, TellsTheTimeToDrainToHalfTheMarkAtTheLastPace) {
    FanOutBacklog backlog(small_limits());
    add(backlog, 1, 21, 1);
    // Before any batch was handed out the pace is unknown.
    EXPECT_EQ(backlog.wait_before(1), FanOutBacklog::kUnknownPaceWait);
    backlog.remove(1, 1, 1, 2ms);  // 2 ms a message; 20 wait, twice the mark
    // Down to 5 (half the mark): 15 messages, 30 ms.
    EXPECT_EQ(backlog.wait_before(1), 30ms);
}

TEST(FanOutBacklogTest, KeepsTheWaitWithinItsBounds) {
    FanOutBacklog backlog(small_limits());
    add(backlog, 1, 11, 1);
    backlog.remove(1, 1, 1, 1h);
    EXPECT_EQ(backlog.wait_before(1), FanOutBacklog::kMaxWait);
    add(backlog, 2, 11, 1);
    backlog.remove(2, 1, 1, 1ns);
    EXPECT_EQ(backlog.wait_before(2), FanOutBacklog::kMinWait);
}

}  // namespace
}  // namespace parley::cluster
