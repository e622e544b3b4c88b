// The Client on a node with a message log (docs/protocol.md, section 12), against real parleyd
// processes: offline recipients, connections cut mid-stream, messages whose ACK was lost and
// history pages. Every message reaches the application once and in order.

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "client/client_harness.hpp"
#include "client/client_test.hpp"
#include "client/paused_daemon.hpp"
#include "support/tcp_proxy.hpp"

namespace parley::client::test {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

constexpr UserId kAlice = 1;
constexpr UserId kBob = 2;

/// "m007": fixed width, so no text is part of another.
std::string numbered(int i) {
    char text[16];
    std::snprintf(text, sizeof text, "m%03d", i);
    return text;
}

std::vector<std::string> numbered_range(int from, int to) {
    std::vector<std::string> texts;
    for (int i = from; i < to; ++i) {
        texts.push_back(numbered(i));
    }
    return texts;
}

/// The texts of the private messages from `from` the recorder saw, in arrival order.
std::vector<std::string> texts_from(EventRecorder& events, UserId from) {
    std::vector<std::string> texts;
    const std::string all = events.all();
    const std::string prefix = "msg " + std::to_string(from) + " ";
    std::size_t begin = 0;
    while (begin < all.size()) {
        const std::size_t end = all.find('\n', begin);
        const std::string line = all.substr(begin, end - begin);
        begin = end == std::string::npos ? all.size() : end + 1;
        if (line.starts_with(prefix)) {
            texts.push_back(line.substr(line.rfind(' ') + 1));  // msg FROM TO ID TEXT
        }
    }
    return texts;
}

/// `harness`'s position in its private chat with `peer`.
std::uint64_t position_with(ClientHarness& harness, UserId peer) {
    const Positions positions = harness.client().positions();
    const auto it = positions.find(ConversationId{ChatKind::private_message, peer});
    return it == positions.end() ? 0 : it->second.seq;
}

class ClientDelivery : public ClientTest {
  protected:
    static StandaloneConfig log_node_config() {
        auto config = node_config();
        config.extra_handlers = {"sync"};
        config.extra_yaml = "message_log: {plugin: memory}\n";
        return config;
    }

    /// Sends `texts` from `sender` to `to` and waits for every ACK.
    static void send_all(ClientHarness& sender, UserId to, const std::vector<std::string>& texts) {
        std::vector<std::uint64_t> ids;
        for (const auto& text : texts) {
            ids.push_back(sender.client().send_private(to, text));
        }
        for (const auto id : ids) {
            ASSERT_TRUE(sender.events().wait_contains("ack " + std::to_string(id) + " "))
                << sender.events().all();
        }
    }

    /// Waits until `events` holds `text` from `from`, then a little longer, so duplicates
    /// that were on their way show up too.
    static bool wait_for_last(EventRecorder& events, UserId from, const std::string& text) {
        const bool seen =
            events.wait_contains("msg " + std::to_string(from) + " ", EventRecorder::kTimeout) &&
            events.wait_contains(" " + text, EventRecorder::kTimeout);
        events.wait_contains("a line that never comes", 500ms);
        return seen;
    }
};

TEST_F(ClientDelivery, AnOfflineRecipientGetsEveryMessageOnceInOrderWhenItStarts) {
    const auto node = start_node(log_node_config());
    ClientHarness alice({node->endpoint()}, test_options(kAlice));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    const auto texts = numbered_range(0, 30);
    send_all(alice, kBob, texts);

    ClientHarness bob({node->endpoint()}, test_options(kBob));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("sync more=0 d1:unread=30:lost=0")) << bob.events().all();
    ASSERT_TRUE(wait_for_last(bob.events(), kAlice, texts.back())) << bob.events().all();
    EXPECT_EQ(texts_from(bob.events(), kAlice), texts) << bob.events().all();
    EXPECT_EQ(position_with(bob, kAlice), 30u);
    // The sender's own messages count as received in its position too.
    EXPECT_EQ(position_with(alice, kBob), 30u);
}

TEST_F(ClientDelivery, AConnectionCutMidStreamStillGivesEveryMessageOnceInOrder) {
    const auto node = start_node(log_node_config());
    parley::test::TcpProxy proxy(node->port());
    ClientHarness bob({proxy.endpoint()}, test_options(kBob));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();
    ClientHarness alice({node->endpoint()}, test_options(kAlice));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();

    const auto texts = numbered_range(0, 300);
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 150; ++i) {
        ids.push_back(alice.client().send_private(kBob, texts[static_cast<std::size_t>(i)]));
    }
    ASSERT_TRUE(bob.events().wait_contains(" " + numbered(10))) << bob.events().all();
    proxy.cut();  // mid-stream: bob holds some, the rest is on its way or not yet sent
    for (int i = 150; i < 300; ++i) {
        ids.push_back(alice.client().send_private(kBob, texts[static_cast<std::size_t>(i)]));
    }
    for (const auto id : ids) {
        ASSERT_TRUE(alice.events().wait_contains("ack " + std::to_string(id) + " "))
            << alice.events().all();
    }
    ASSERT_TRUE(bob.events().wait_for("disconnected was=1 retry=1")) << bob.events().all();
    proxy.restore();
    ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();
    ASSERT_TRUE(wait_for_last(bob.events(), kAlice, texts.back())) << bob.events().all();
    EXPECT_EQ(texts_from(bob.events(), kAlice), texts) << bob.events().all();
}

TEST_F(ClientDelivery, ReceivedPositionsAndSavedPositionsPreventAReplay) {
    const auto node = start_node(log_node_config());
    ClientHarness alice({node->endpoint()}, test_options(kAlice));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    Positions saved;
    {
        ClientHarness bob({node->endpoint()}, test_options(kBob));
        bob.start();
        ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();
        send_all(alice, kBob, numbered_range(0, 5));
        ASSERT_TRUE(wait_for_last(bob.events(), kAlice, numbered(4))) << bob.events().all();
        saved = bob.client().positions();
    }
    send_all(alice, kBob, numbered_range(5, 8));

    // Started from the saved positions: only what came after them.
    {
        auto options = test_options(kBob);
        options.initial_positions = saved;
        ClientHarness bob({node->endpoint()}, options);
        bob.start();
        ASSERT_TRUE(wait_for_last(bob.events(), kAlice, numbered(7))) << bob.events().all();
        EXPECT_EQ(texts_from(bob.events(), kAlice), numbered_range(5, 8)) << bob.events().all();
        // RECEIVED goes out within a second; give it more.
        bob.events().wait_contains("a line that never comes", 2500ms);
    }
    // Started from nothing: the server knows from RECEIVED what bob has.
    ClientHarness bob({node->endpoint()}, test_options(kBob));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("sync more=0 d1:unread=0:lost=0")) << bob.events().all();
    bob.events().wait_contains("a line that never comes", 500ms);
    EXPECT_TRUE(texts_from(bob.events(), kAlice).empty()) << bob.events().all();
}

TEST_F(ClientDelivery, AMessageWhoseAckWasLostIsResentAndDeliveredOnce) {
    auto config = log_node_config();
    config.heartbeat_interval = "100ms";
    const auto node = start_node(config);
    ClientHarness bob({node->endpoint()}, test_options(kBob));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected ")) << bob.events().all();
    auto options = test_options(kAlice);
    options.heartbeat_interval = milliseconds{50};
    options.max_missed_heartbeats = 2;
    options.connect_timeout = milliseconds{300};
    ClientHarness alice({node->endpoint()}, options);
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();

    std::uint64_t id = 0;
    {
        // The message waits in the stopped node's socket; the client gives the connection up
        // before any ACK can come.
        PausedDaemon paused(*node);
        id = alice.client().send_private(kBob, "only-once");
        ASSERT_TRUE(alice.events().wait_for("disconnected was=1 retry=1")) << alice.events().all();
    }
    ASSERT_TRUE(alice.events().wait_contains("ack " + std::to_string(id) + " "))
        << alice.events().all();
    ASSERT_TRUE(wait_for_last(bob.events(), kAlice, "only-once")) << bob.events().all();
    alice.events().wait_contains("a line that never comes", 500ms);
    EXPECT_EQ(bob.events().count_containing(" only-once"), 1) << bob.events().all();
    EXPECT_EQ(alice.events().count("ack " + std::to_string(id) + " "), 1) << alice.events().all();
    EXPECT_EQ(alice.events().count("error 2000 " + std::to_string(id) + " "), 0)
        << alice.events().all();
}

TEST_F(ClientDelivery, ALateJoinerGetsWhatFollowsTheJoinAtOnceAndNothingBefore) {
    constexpr GroupId kGroup = 7;
    const auto node = start_node(log_node_config());
    ClientHarness alice({node->endpoint()}, test_options(kAlice));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    const auto joined = alice.client().join(kGroup);
    ASSERT_TRUE(alice.events().wait_contains("ack " + std::to_string(joined) + " "));
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(alice.client().send_group(kGroup, "before-" + numbered(i)));
    }
    for (const auto id : ids) {
        ASSERT_TRUE(alice.events().wait_contains("ack " + std::to_string(id) + " "));
    }

    auto options = test_options(kBob);
    options.resync_interval = milliseconds{300};  // syncs would bring back anything misplaced
    ClientHarness bob({node->endpoint()}, options);
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("sync ")) << bob.events().all();
    const auto bob_joined = bob.client().join(kGroup);
    ASSERT_TRUE(bob.events().wait_contains("ack " + std::to_string(bob_joined) + " "));
    alice.client().send_group(kGroup, "after-join");
    ASSERT_TRUE(bob.events().wait_contains("after-join", 10s)) << bob.events().all();
    bob.events().wait_contains("a line that never comes", 1s);  // several resyncs
    EXPECT_EQ(bob.events().count_containing("before-"), 0)
        << "what was said before the join is history, not unread\n"
        << bob.events().all();
    // positions() returns a copy: find in one copy and compare with that copy's end.
    const Positions positions = bob.client().positions();
    const auto position = positions.find(ConversationId{ChatKind::group_message, kGroup});
    ASSERT_NE(position, positions.end());
    EXPECT_EQ(position->second.seq, 6u);
}

TEST_F(ClientDelivery, HistoryPagesBackwardsOldestFirst) {
    const auto node = start_node(log_node_config());
    ClientHarness alice({node->endpoint()}, test_options(kAlice));
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    send_all(alice, kBob, numbered_range(0, 5));

    const auto newest = alice.client().history(ChatKind::private_message, kBob, 0, 3);
    EXPECT_TRUE(alice.events().wait_for("history " + std::to_string(newest) +
                                        " d2 first=1 3:m002 4:m003 5:m004"))
        << alice.events().all();
    const auto older = alice.client().history(ChatKind::private_message, kBob, 3, 3);
    EXPECT_TRUE(
        alice.events().wait_for("history " + std::to_string(older) + " d2 first=1 1:m000 2:m001"))
        << alice.events().all();
}

TEST_F(ClientDelivery, WithoutAMessageLogALostAnswerIsStillReported) {
    auto config = node_config();
    config.heartbeat_interval = "100ms";
    const auto node = start_node(config);
    auto options = test_options(kAlice);
    options.heartbeat_interval = milliseconds{50};
    options.max_missed_heartbeats = 2;
    options.connect_timeout = milliseconds{300};
    ClientHarness alice({node->endpoint()}, options);
    alice.start();
    ASSERT_TRUE(alice.events().wait_for("connected ")) << alice.events().all();
    std::uint64_t id = 0;
    {
        PausedDaemon paused(*node);
        id = alice.client().send_private(kBob, "at-most-once");
        ASSERT_TRUE(alice.events().wait_for("disconnected was=1 retry=1")) << alice.events().all();
    }
    EXPECT_TRUE(alice.events().wait_contains("error 2000 " + std::to_string(id) + " no answer:"))
        << alice.events().all();
}

}  // namespace
}  // namespace parley::client::test
