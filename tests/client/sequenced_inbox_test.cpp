// The client's in-order, exactly-once delivery on its own: gaps, duplicates, joins and a log
// that lost its history (a new epoch) during a sync.
#include "sequenced_inbox.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace parley::client {
namespace {

const ConversationId kChat{ChatKind::private_message, 2};
const auto kNow = SequencedInbox::Clock::now();

ChatEvent event(const std::string& text) {
    ChatEvent e;
    e.kind = ChatKind::private_message;
    e.from = 2;
    e.content = text;
    return e;
}

std::vector<std::string> texts(const std::vector<ChatEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
        out.push_back(e.content);
    }
    return out;
}

TEST(SequencedInboxTest, AMessageAheadOfAGapWaitsAndDuplicatesAreDropped) {
    SequencedInbox inbox({});
    EXPECT_EQ(texts(inbox.accept(kChat, 1, event("a"), kNow)), std::vector<std::string>{"a"});
    EXPECT_TRUE(inbox.accept(kChat, 3, event("c"), kNow).empty());
    EXPECT_EQ(texts(inbox.accept(kChat, 2, event("b"), kNow)),
              (std::vector<std::string>{"b", "c"}));
    EXPECT_TRUE(inbox.accept(kChat, 2, event("b"), kNow).empty());
}

TEST(SequencedInboxTest, AJoinStartsThePositionSoTheNextMessageIsNoGap) {
    SequencedInbox inbox({});
    const ConversationId group{ChatKind::group_message, 7};
    EXPECT_TRUE(inbox.start_at(group, 5, 9).empty());
    EXPECT_EQ(texts(inbox.accept(group, 6, event("f"), kNow)), std::vector<std::string>{"f"});
    EXPECT_EQ(inbox.positions().get(group).epoch, 9u);
}

TEST(SequencedInboxTest, ANewEpochHandsOutWhatTheSyncReplayedUnderItsNumbers) {
    Positions before;
    before[kChat] = ConversationPosition{3, 100};  // seq 3 of epoch 100
    SequencedInbox inbox(before);
    inbox.begin_sync();
    // The log lost its history; under epoch 200 it holds two new messages, 1 and 2.
    EXPECT_TRUE(inbox.accept(kChat, 1, event("new-1"), kNow).empty());
    EXPECT_TRUE(inbox.accept(kChat, 2, event("new-2"), kNow).empty());
    const StreamReport report{kChat, 200, 1, 2, 0, true};
    EXPECT_EQ(texts(inbox.settle(report, 2)), (std::vector<std::string>{"new-1", "new-2"}));
    inbox.end_sync();
    EXPECT_EQ(inbox.positions().get(kChat), (ConversationPosition{2, 200}));
    EXPECT_EQ(texts(inbox.accept(kChat, 3, event("new-3"), kNow)),
              std::vector<std::string>{"new-3"});
}

TEST(SequencedInboxTest, TheSameEpochKeepsReplayedDuplicatesOut) {
    Positions before;
    before[kChat] = ConversationPosition{3, 100};
    SequencedInbox inbox(before);
    inbox.begin_sync();
    EXPECT_TRUE(inbox.accept(kChat, 2, event("old-2"), kNow).empty());
    EXPECT_EQ(texts(inbox.accept(kChat, 4, event("m4"), kNow)), std::vector<std::string>{"m4"});
    const StreamReport report{kChat, 100, 1, 4, 0, false};
    EXPECT_TRUE(inbox.settle(report, 4).empty());
    inbox.end_sync();
}

}  // namespace
}  // namespace parley::client
