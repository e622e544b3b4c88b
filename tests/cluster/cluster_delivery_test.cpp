// Reliable delivery across a 3-node cluster (docs/protocol.md, section 12) with the Redis message
// log every node shares: what one node stored, any other node replays at login; a resend through
// another node is recognised; a node killed between storing and pushing loses nothing.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include "cluster/cluster_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

wire::ChatMessage chat(std::uint64_t id, const std::string& text) {
    wire::ChatMessage message;
    message.set_client_msg_id(id);
    message.set_content(text);
    return message;
}

/// A chat message as a client receives it, with the seq the log gave it.
struct Delivered {
    FrameType type{};
    UserId sender = kNoUser;
    std::uint64_t seq = 0;
    std::string text;
};

/// What one session received: chat messages in arrival order, and SYNC DONE if it came.
struct Inbox {
    std::vector<Delivered> messages;
    std::optional<wire::SyncDone> done;

    std::vector<std::uint64_t> seqs() const {
        std::vector<std::uint64_t> out;
        for (const Delivered& message : messages) {
            out.push_back(message.seq);
        }
        return out;
    }
};

/// Reads until SYNC DONE and `count` chat messages have arrived, or `timeout` passes.
void read_into(RawClient& client, Inbox& inbox, std::size_t count,
               std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while ((!inbox.done || inbox.messages.size() < count) &&
           std::chrono::steady_clock::now() < deadline) {
        const auto frame = client.read_frame(100ms);
        if (!frame) {
            if (client.closed()) {
                return;
            }
            continue;
        }
        if (frame->type() == FrameType::sync) {
            wire::SyncDone done;
            ASSERT_TRUE(frame->parse_body(done));
            inbox.done = done;
        } else if (frame->type() == FrameType::private_message ||
                   frame->type() == FrameType::group_message) {
            wire::ChatMessage body;
            ASSERT_TRUE(frame->parse_body(body));
            inbox.messages.push_back({frame->type(), frame->sender(), body.seq(), body.content()});
        }
    }
}

std::vector<std::uint64_t> one_to(std::uint64_t last, std::uint64_t first = 1) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t seq = first; seq <= last; ++seq) {
        out.push_back(seq);
    }
    return out;
}

class ClusterDeliveryTest : public ClusterTest {
  protected:
    /// Logs in on node `index` asking for a sync; `positions` maps a direct peer to the seq the
    /// client holds. Retries while the user's previous session is still recorded (a closed one
    /// is released in a moment, a dead node's expires).
    std::unique_ptr<RawClient> login_with_sync(
        std::size_t index, UserId user, const std::map<UserId, std::uint64_t>& positions = {},
        std::chrono::milliseconds patience = 10s) {
        const auto deadline = std::chrono::steady_clock::now() + patience;
        while (true) {
            auto client = std::make_unique<RawClient>();
            EXPECT_TRUE(client->connect(node(index).endpoint()));
            wire::Handshake hello;
            hello.set_user_id(user);
            hello.set_token("test-token");
            hello.set_sync(true);
            for (const auto& [peer, seq] : positions) {
                wire::Position* position = hello.add_positions();
                position->set_kind(wire::DIRECT);
                position->set_peer(peer);
                position->set_seq(seq);
            }
            EXPECT_TRUE(client->send_frame(FrameType::handshake, kNoUser, kNoUser, hello));
            const auto reply = client->read_frame(10s);
            if (reply && reply->type() == FrameType::handshake) {
                return client;
            }
            if (std::chrono::steady_clock::now() >= deadline) {
                ADD_FAILURE() << "login of user " << user << " on " << node_id(index) << " refused";
                return client;
            }
            std::this_thread::sleep_for(200ms);
        }
    }

    /// Sends chat message `id` and returns its ACK; the test fails without one.
    static wire::Ack send(RawClient& from, FrameType type, UserId to, std::uint64_t id,
                          const std::string& text) {
        EXPECT_TRUE(from.send_frame(type, kNoUser, to, chat(id, text)));
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        wire::Ack ack;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto frame = from.read_frame(1s);
            if (frame && frame->type() == FrameType::ack && frame->parse_body(ack) &&
                ack.client_msg_id() == id) {
                return ack;
            }
            if (frame && frame->type() == FrameType::error) {
                break;
            }
        }
        ADD_FAILURE() << "no ACK for message " << id;
        return ack;
    }
};

TEST_F(ClusterDeliveryTest, AnOfflineUserGetsEverythingInOrderAtLoginOnAnyNode) {
    start_cluster();
    constexpr UserId kAlice = 101;
    constexpr UserId kBob = 102;
    auto alice = login(0, kAlice);
    for (std::uint64_t id = 1; id <= 20; ++id) {
        const wire::Ack ack =
            send(*alice, FrameType::private_message, kBob, id, "m" + std::to_string(id));
        EXPECT_EQ(ack.seq(), id) << "stored and numbered: bob is offline everywhere";
    }

    auto bob = login_with_sync(2, kBob);
    Inbox first;
    read_into(*bob, first, 20);
    EXPECT_EQ(first.seqs(), one_to(20));
    ASSERT_FALSE(first.messages.empty());
    EXPECT_EQ(first.messages.front().text, "m1");
    EXPECT_EQ(first.messages.back().sender, kAlice);
    ASSERT_TRUE(first.done.has_value());
    ASSERT_EQ(first.done->streams_size(), 1);
    EXPECT_EQ(first.done->streams(0).delivered(), 20u);
    const std::uint64_t epoch = first.done->streams(0).epoch();
    bob.reset();  // offline again, without acknowledging anything

    for (std::uint64_t id = 21; id <= 30; ++id) {
        send(*alice, FrameType::private_message, kBob, id, "m" + std::to_string(id));
    }
    // On another node, holding 1..20: the rest follows, nothing twice.
    auto again = login_with_sync(1, kBob, {{kAlice, 20}});
    Inbox second;
    read_into(*again, second, 10);
    EXPECT_EQ(second.seqs(), one_to(30, 21));
    ASSERT_TRUE(second.done.has_value());
    ASSERT_EQ(second.done->streams_size(), 1);
    EXPECT_EQ(second.done->streams(0).epoch(), epoch) << "every node serves the same log";
    EXPECT_FALSE(second.done->streams(0).lost());
}

TEST_F(ClusterDeliveryTest, AResendOfAnUnackedMessageThroughAnotherNodeIsDeliveredOnce) {
    start_cluster();
    constexpr UserId kAlice = 111;
    constexpr UserId kBob = 112;
    auto bob = login(2, kBob);
    {
        // Alice sends, and her connection dies before she reads the ACK.
        auto alice = login(0, kAlice);
        ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, kBob,
                                      chat(500, "exactly once")));
        Inbox pushed;
        pushed.done = wire::SyncDone{};  // a plain login: no sync to wait for
        read_into(*bob, pushed, 1);
        ASSERT_EQ(pushed.seqs(), std::vector<std::uint64_t>{1});
    }
    auto alice = login_with_sync(1, kAlice);
    const wire::Ack resent = send(*alice, FrameType::private_message, kBob, 500, "exactly once");
    EXPECT_TRUE(resent.duplicate());
    EXPECT_EQ(resent.seq(), 1u);

    EXPECT_TRUE(collect(*bob, FrameType::private_message, 1s).empty())
        << "the resend was delivered again";
    bob.reset();
    auto later = login_with_sync(0, kBob);
    Inbox replay;
    read_into(*later, replay, 1);
    EXPECT_EQ(replay.seqs(), std::vector<std::uint64_t>{1}) << "stored once";
}

TEST_F(ClusterDeliveryTest, AGroupMessageStoredWhileAMemberIsOfflineReachesThemOnAnotherNode) {
    start_cluster();
    constexpr GroupId kGroup = 88;
    constexpr UserId kAlice = 121;
    constexpr UserId kCarol = 123;
    const auto join = [&](RawClient& client, UserId user) {
        wire::GroupMembership membership;
        membership.set_client_msg_id(9000 + user);
        ASSERT_TRUE(client.send_frame(FrameType::group_join, kNoUser, kGroup, membership));
        const auto reply = client.read_frame(10s);
        ASSERT_TRUE(reply && reply->type() == FrameType::ack) << "join of " << user;
    };
    {
        auto carol = login(0, kCarol);
        join(*carol, kCarol);
    }
    auto alice = login(1, kAlice);
    join(*alice, kAlice);
    const wire::Ack ack = send(*alice, FrameType::group_message, kGroup, 1, "while you were out");

    auto carol = login_with_sync(2, kCarol);
    Inbox got;
    read_into(*carol, got, 1);
    ASSERT_EQ(got.messages.size(), 1u);
    EXPECT_EQ(got.messages[0].type, FrameType::group_message);
    EXPECT_EQ(got.messages[0].sender, kAlice);
    EXPECT_EQ(got.messages[0].seq, ack.seq());
    EXPECT_EQ(got.messages[0].text, "while you were out");
    ASSERT_TRUE(got.done.has_value());
    ASSERT_EQ(got.done->streams_size(), 1);
    EXPECT_EQ(got.done->streams(0).kind(), wire::GROUP);
    EXPECT_EQ(got.done->streams(0).peer(), kGroup);
}

TEST_F(ClusterDeliveryTest, ANodeKilledBetweenStoringAndPushingLosesNothing) {
    start_cluster();
    constexpr UserId kAlice = 131;
    constexpr UserId kBob = 132;
    auto alice = login(0, kAlice);
    auto bob = login(1, kBob);

    // Alice keeps sending while bob's node dies: some messages are stored but never pushed.
    constexpr std::uint64_t kMessages = 60;
    std::set<std::uint64_t> acked;
    Inbox before;
    before.done = wire::SyncDone{};
    for (std::uint64_t id = 1; id <= kMessages; ++id) {
        if (id == kMessages / 3) {
            read_into(*bob, before, id - 1, 5s);
            node(1).kill9();
        }
        const wire::Ack ack =
            send(*alice, FrameType::private_message, kBob, id, "m" + std::to_string(id));
        acked.insert(ack.seq());
    }
    ASSERT_EQ(acked.size(), kMessages);
    EXPECT_EQ(before.seqs(), one_to(kMessages / 3 - 1)) << "pushed in order before the kill";

    // Bob comes back on another node holding what he had: the replay starts right after it.
    // His session on the dead node blocks the login until it expires.
    const std::uint64_t held = before.seqs().empty() ? 0 : before.seqs().back();
    auto back = login_with_sync(2, kBob, {{kAlice, held}}, 20s);
    Inbox after;
    read_into(*back, after, kMessages - held, 20s);
    std::vector<std::uint64_t> replayed;
    for (const std::uint64_t seq : after.seqs()) {
        if (seq > held && (replayed.empty() || seq > replayed.back())) {
            replayed.push_back(seq);  // what a client keeps: each seq once, in order
        }
    }
    EXPECT_EQ(replayed, one_to(kMessages, held + 1));
    ASSERT_TRUE(after.done.has_value());
    EXPECT_FALSE(after.done->streams(0).lost());
    // The replay itself sends each message once, in seq order.
    std::vector<std::uint64_t> in_replay = after.seqs();
    in_replay.resize(
        std::min<std::size_t>(in_replay.size(), after.done->streams(0).delivered() - held));
    EXPECT_EQ(in_replay, one_to(after.done->streams(0).delivered(), held + 1));
}

}  // namespace
}  // namespace parley::test
