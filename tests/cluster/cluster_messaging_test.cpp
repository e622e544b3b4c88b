// A 3-node cluster, end to end: private messages between nodes, groups with members on every
// node, cluster-wide presence, duplicate logins across nodes, a node killed outright, and Redis
// (store and message log) going away and coming back.
#include <algorithm>
#include <thread>

#include <gmock/gmock.h>
#include <parley.pb.h>

#include "cluster/cluster_fixture.hpp"
#include "support/http_client.hpp"
#include "support/redis_server.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;

wire::ChatMessage chat(std::uint64_t id, const std::string& text) {
    wire::ChatMessage message;
    message.set_client_msg_id(id);
    message.set_content(text);
    return message;
}

/// Reads frames until one of `type` arrives, skipping others.
std::optional<Frame> next_of(RawClient& client, FrameType type,
                             std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto frame = client.read_frame(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!frame || frame->type() == type) {
            return frame;
        }
    }
    return std::nullopt;
}

::testing::AssertionResult acked(RawClient& client, std::uint64_t id) {
    const auto frame = client.read_frame(10s);
    wire::Ack ack;
    if (frame && frame->type() == FrameType::ack && frame->parse_body(ack) &&
        ack.client_msg_id() == id) {
        return ::testing::AssertionSuccess();
    }
    wire::ErrorBody error;
    if (frame && frame->type() == FrameType::error && frame->parse_body(error)) {
        return ::testing::AssertionFailure()
               << "message " << id << " refused: " << error.code() << " " << error.msg();
    }
    return ::testing::AssertionFailure() << "no ACK for message " << id;
}

::testing::AssertionResult receives(RawClient& client, UserId from, const std::string& text) {
    const auto frame = next_of(client, FrameType::private_message);
    wire::ChatMessage body;
    if (!frame || !frame->parse_body(body)) {
        return ::testing::AssertionFailure() << "no private message '" << text << "'";
    }
    if (frame->sender() != from || body.content() != text) {
        return ::testing::AssertionFailure()
               << "got '" << body.content() << "' from " << frame->sender() << ", expected '"
               << text << "' from " << from;
    }
    return ::testing::AssertionSuccess();
}

class ClusterMessagingTest : public ClusterTest {};

TEST_F(ClusterMessagingTest, PrivateMessagesCrossEveryPairOfNodes) {
    start_cluster();
    auto alice = login(0, 1);
    auto bob = login(1, 2);
    auto carol = login(2, 3);

    ASSERT_TRUE(alice->send_frame(FrameType::private_message, 1, 2, chat(10, "a->b")));
    EXPECT_TRUE(acked(*alice, 10));
    EXPECT_TRUE(receives(*bob, 1, "a->b"));

    ASSERT_TRUE(bob->send_frame(FrameType::private_message, 2, 3, chat(11, "b->c")));
    EXPECT_TRUE(acked(*bob, 11));
    EXPECT_TRUE(receives(*carol, 2, "b->c"));

    ASSERT_TRUE(carol->send_frame(FrameType::private_message, 3, 1, chat(12, "c->a")));
    EXPECT_TRUE(acked(*carol, 12));
    EXPECT_TRUE(receives(*alice, 3, "c->a"));
}

TEST_F(ClusterMessagingTest, ManyMessagesToAUserOnAnotherNodeArriveInOrder) {
    start_cluster();
    auto sender = login(0, 5);
    auto recipient = login(2, 6);
    constexpr int kCount = 200;
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(sender->send_frame(FrameType::private_message, 5, 6,
                                       chat(static_cast<std::uint64_t>(i), std::to_string(i))));
    }
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(acked(*sender, static_cast<std::uint64_t>(i)));
    }
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(receives(*recipient, 5, std::to_string(i))) << "message " << i;
    }
}

TEST_F(ClusterMessagingTest, WithoutALogABurstOfMessagesIsAckedAndDeliveredInOrder) {
    // No log: the sender's messages pipeline on the Kafka transport, each one starting as soon
    // as the one before is queued there, not once Kafka acknowledged it.
    ClusterOptions options;
    options.message_log = false;
    start_cluster(options);
    auto sender = login(0, 5);
    auto recipient = login(1, 6);
    auto other = login(2, 7);
    constexpr int kCount = 300;
    for (int i = 1; i <= kCount; ++i) {
        // Every tenth to a user on a third node, interleaved with the others.
        const UserId to = i % 10 == 0 ? 7 : 6;
        ASSERT_TRUE(sender->send_frame(FrameType::private_message, 5, to,
                                       chat(static_cast<std::uint64_t>(i), std::to_string(i))));
    }
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(acked(*sender, static_cast<std::uint64_t>(i)));
    }
    for (int i = 1; i <= kCount; ++i) {
        RawClient& to = i % 10 == 0 ? *other : *recipient;
        ASSERT_TRUE(receives(to, 5, std::to_string(i))) << "message " << i;
    }
    // Nothing was stored: a message to a user offline everywhere is refused, in its turn.
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 5, 6, chat(401, "a")));
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 5, 8, chat(402, "nobody")));
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 5, 6, chat(403, "c")));
    EXPECT_TRUE(acked(*sender, 401));
    const auto refused = sender->read_frame(10s);
    wire::ErrorBody error;
    ASSERT_TRUE(refused && refused->type() == FrameType::error && refused->parse_body(error));
    EXPECT_EQ(error.code(), static_cast<std::uint32_t>(ErrorCode::recipient_unavailable));
    EXPECT_EQ(error.ref_id(), 402u);
    EXPECT_TRUE(acked(*sender, 403));
    EXPECT_TRUE(receives(*recipient, 5, "a"));
    EXPECT_TRUE(receives(*recipient, 5, "c"));
}

TEST_F(ClusterMessagingTest, ARecipientWhoMovesOrLeavesIsFoundWhereTheyAreNow) {
    // The sender's node keeps the recipient's location after the first message; Redis tells it
    // when the recipient moves or leaves. Without a log the answer shows what the node
    // believed: a stale location would be ACKed and then fail with 1005, not refused with 1003.
    ClusterOptions options;
    options.message_log = false;
    start_cluster(options);
    auto sender = login(0, 61);
    auto watcher = login(2, 63);
    auto recipient = login(1, 62);
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 61, 62, chat(1, "on node 1")));
    EXPECT_TRUE(acked(*sender, 1));
    EXPECT_TRUE(receives(*recipient, 61, "on node 1"));

    const auto gone_from_presence = [&] {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            const std::vector<UserId> users = online_users(*watcher);
            if (std::find(users.begin(), users.end(), 62U) == users.end()) {
                return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    };
    recipient->close();
    ASSERT_TRUE(gone_from_presence());  // released in Redis
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 61, 62, chat(2, "gone?")));
    EXPECT_TRUE(sender->expect_error(ErrorCode::recipient_unavailable, 10s));

    auto moved = login(2, 62);
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 61, 62, chat(3, "on node 2")));
    EXPECT_TRUE(acked(*sender, 3));
    EXPECT_TRUE(receives(*moved, 61, "on node 2"));
}

TEST_F(ClusterMessagingTest, MessageToAUserOfflineEverywhereIsStoredAndAcked) {
    start_cluster();
    auto sender = login(0, 7);
    ASSERT_TRUE(sender->send_frame(FrameType::private_message, 7, 8, chat(1, "anyone?")));
    // The message log keeps it for user 8's next login (cluster_delivery_test.cpp).
    const auto frame = sender->read_frame(10s);
    wire::Ack ack;
    ASSERT_TRUE(frame && frame->type() == FrameType::ack && frame->parse_body(ack));
    EXPECT_EQ(ack.client_msg_id(), 1u);
    EXPECT_EQ(ack.seq(), 1u);
    EXPECT_NE(ack.epoch(), 0u);
}

TEST_F(ClusterMessagingTest, GroupMessageReachesEveryMemberOnEveryNodeExactlyOnce) {
    start_cluster();
    constexpr GroupId kGroup = 77;
    std::vector<std::unique_ptr<RawClient>> members;
    for (UserId user = 11; user <= 16; ++user) {
        members.push_back(login((user - 11) % 3, user));
        wire::GroupMembership join;
        join.set_client_msg_id(100 + user);
        ASSERT_TRUE(members.back()->send_frame(FrameType::group_join, user, kGroup, join));
        ASSERT_TRUE(acked(*members.back(), 100 + user));
    }
    ASSERT_TRUE(members[0]->send_frame(FrameType::group_message, 11, kGroup, chat(1, "all")));
    EXPECT_TRUE(acked(*members[0], 1));

    for (std::size_t i = 1; i < members.size(); ++i) {
        const auto got = next_of(*members[i], FrameType::group_message);
        ASSERT_TRUE(got.has_value()) << "member " << 11 + i << " got nothing";
        wire::ChatMessage body;
        ASSERT_TRUE(got->parse_body(body));
        EXPECT_EQ(body.content(), "all");
        EXPECT_EQ(got->sender(), 11U);
        EXPECT_EQ(got->receiver(), kGroup);
    }
    // A duplicate would have arrived right behind the first copy.
    std::this_thread::sleep_for(1s);
    for (std::size_t i = 1; i < members.size(); ++i) {
        EXPECT_TRUE(collect(*members[i], FrameType::group_message, 100ms).empty())
            << "member " << 11 + i << " got the message twice";
    }
    EXPECT_TRUE(collect(*members[0], FrameType::group_message, 500ms).empty())
        << "the author got their own message";
}

/// Records node `index` read from the transport so far, on either route.
double records_received(DaemonProcess& node) {
    const auto reply = http_get(node.admin_endpoint(), "/metrics");
    if (!reply) {
        ADD_FAILURE() << "no /metrics from " << node.admin_endpoint();
        return -1;
    }
    double total = 0;
    for (const char* route : {"node", "group"}) {
        total += metric_value(reply->body, std::string{"parley_transport_records_total{route=\""} +
                                               route + "\",direction=\"received\"}")
                     .value_or(0);
    }
    return total;
}

/// Calls of `call` node `index` made to its store so far (parley_backend_call_seconds).
double store_calls(DaemonProcess& node, const std::string& call) {
    const auto reply = http_get(node.admin_endpoint(), "/metrics");
    if (!reply) {
        ADD_FAILURE() << "no /metrics from " << node.admin_endpoint();
        return -1;
    }
    return metric_value(
               reply->body,
               "parley_backend_call_seconds_count{backend=\"store\",plugin=\"redis\",call=\"" +
                   call + "\"}")
        .value_or(-1);
}

TEST_F(ClusterMessagingTest, GroupMessagesGoOnlyToTheNodesThatHoldMembers) {
    start_cluster();
    constexpr GroupId kGroup = 78;
    auto join = [](RawClient& client, UserId user) {
        wire::GroupMembership membership;
        membership.set_client_msg_id(500 + user);
        ASSERT_TRUE(client.send_frame(FrameType::group_join, user, kGroup, membership));
        ASSERT_TRUE(acked(client, 500 + user));
    };
    // Members on node-1 (the author) and node-2; node-3 holds a user who is no member.
    auto author = login(0, 21);
    auto member = login(1, 22);
    auto outsider = login(2, 23);
    join(*author, 21);
    join(*member, 22);
    const double quiet_before = records_received(node(2));
    const double member_node_before = records_received(node(1));
    const double lookups_before = store_calls(node(0), "group_nodes");
    const double locates_before = store_calls(node(0), "locate");

    constexpr std::uint64_t kMessages = 20;
    for (std::uint64_t id = 1; id <= kMessages; ++id) {
        ASSERT_TRUE(author->send_frame(FrameType::group_message, 21, kGroup,
                                       chat(id, "m" + std::to_string(id))));
        ASSERT_TRUE(acked(*author, id));
    }
    for (std::uint64_t id = 1; id <= kMessages; ++id) {
        const auto got = next_of(*member, FrameType::group_message);
        ASSERT_TRUE(got.has_value()) << "message " << id << " did not reach node-2's member";
        wire::ChatMessage body;
        ASSERT_TRUE(got->parse_body(body));
        EXPECT_EQ(body.content(), "m" + std::to_string(id));
    }
    EXPECT_EQ(records_received(node(2)), quiet_before)
        << "node-3 holds no member, yet read the group's messages";
    EXPECT_GE(records_received(node(1)) - member_node_before, static_cast<double>(kMessages));
    // One question to the store per message, answered by the store itself: not a locate() of
    // every member.
    EXPECT_EQ(store_calls(node(0), "group_nodes") - lookups_before, static_cast<double>(kMessages));
    EXPECT_LT(store_calls(node(0), "locate") - locates_before, static_cast<double>(kMessages));

    // The outsider joins on node-3: from then on node-3 gets the group's messages, once each.
    join(*outsider, 23);
    ASSERT_TRUE(author->send_frame(FrameType::group_message, 21, kGroup, chat(100, "now")));
    ASSERT_TRUE(acked(*author, 100));
    const auto got = next_of(*outsider, FrameType::group_message);
    ASSERT_TRUE(got.has_value()) << "the new member on node-3 got nothing";
    EXPECT_EQ(records_received(node(2)), quiet_before + 1);
    EXPECT_TRUE(collect(*outsider, FrameType::group_message, 500ms).empty()) << "twice";
}

TEST_F(ClusterMessagingTest, PresenceListsUsersOfEveryNode) {
    start_cluster();
    auto a = login(0, 21);
    auto b = login(1, 22);
    auto c = login(2, 23);
    const auto users = online_users(*b);
    EXPECT_EQ(users, (std::vector<UserId>{21, 22, 23}));
}

TEST_F(ClusterMessagingTest, SecondLoginOnAnotherNodeIsRejectedUnderReject) {
    start_cluster();
    auto first = login(0, 31);
    RawClient second;
    const auto reply = try_login(1, 31, second);
    ASSERT_TRUE(reply.has_value());
    wire::ErrorBody error;
    ASSERT_EQ(reply->type(), FrameType::error);
    ASSERT_TRUE(reply->parse_body(error));
    EXPECT_EQ(error.code(), static_cast<std::uint32_t>(ErrorCode::duplicate_login));

    // The first session is untouched and still reachable from another node.
    auto other = login(2, 32);
    ASSERT_TRUE(other->send_frame(FrameType::private_message, 32, 31, chat(1, "still there?")));
    EXPECT_TRUE(acked(*other, 1));
    EXPECT_TRUE(receives(*first, 32, "still there?"));
}

TEST_F(ClusterMessagingTest, SecondLoginOnAnotherNodeKicksTheFirstUnderKick) {
    ClusterOptions options;
    options.duplicate_login = "kick";
    start_cluster(options);
    auto first = login(0, 41);
    auto second = login(1, 41);
    EXPECT_TRUE(first->expect_goodbye(ErrorCode::session_replaced, 10s));
    EXPECT_TRUE(first->read_until_closed(10s));

    // Messages now go to the new session, on the other node.
    auto other = login(2, 42);
    ASSERT_TRUE(other->send_frame(FrameType::private_message, 42, 41, chat(1, "new place")));
    EXPECT_TRUE(acked(*other, 1));
    EXPECT_TRUE(receives(*second, 42, "new place"));
}

TEST_F(ClusterMessagingTest, UsersOfAKilledNodeLeavePresenceWithinTheTtl) {
    start_cluster();  // session_ttl 3s
    auto watcher = login(0, 51);
    auto doomed = login(2, 52);
    ASSERT_THAT(online_users(*watcher), Contains(52U));

    node(2).kill9();
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::vector<UserId> users = online_users(*watcher);
    while (std::find(users.begin(), users.end(), 52U) != users.end() &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(200ms);
        users = online_users(*watcher);
    }
    EXPECT_THAT(users, Not(Contains(52U))) << "user 52 still online long after the TTL";
    EXPECT_THAT(users, Contains(51U));
}

TEST_F(ClusterMessagingTest, WhileRedisIsDownLoginsAndMessagesFailFastAndServiceResumes) {
    RedisServer redis;
    ClusterOptions options;
    options.redis_address = redis.endpoint();
    start_cluster(options);
    auto alice = login(0, 71);
    auto bob = login(0, 72);  // same node: local delivery needs no store

    redis.stop();
    RawClient late;
    const auto refused = try_login(1, 73, late);
    ASSERT_TRUE(refused.has_value());
    wire::ErrorBody error;
    ASSERT_EQ(refused->type(), FrameType::error);
    ASSERT_TRUE(refused->parse_body(error));
    EXPECT_EQ(error.code(), static_cast<std::uint32_t>(ErrorCode::backend_unavailable))
        << error.msg();

    // A message is ACKed only once the message log (in the same Redis) has it: it is refused,
    // not lost, and the sessions stay.
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, 71, 72, chat(1, "not now")));
    EXPECT_TRUE(alice->expect_error(ErrorCode::backend_unavailable, 10s));

    // Once Redis is back (empty), the nodes re-assert their sessions and logins work again.
    redis.restart();
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::optional<Frame> reply;
    do {
        std::this_thread::sleep_for(200ms);
        RawClient again;
        reply = try_login(1, 73, again);
        if (reply && reply->type() == FrameType::handshake) {
            break;
        }
    } while (std::chrono::steady_clock::now() < deadline);
    ASSERT_TRUE(reply && reply->type() == FrameType::handshake) << "no login after Redis came back";
    EXPECT_THAT(online_users(*alice), IsSupersetOf({71U, 72U}));
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, 71, 72, chat(2, "back")));
    EXPECT_TRUE(acked(*alice, 2));
    EXPECT_TRUE(receives(*bob, 71, "back"));
}

}  // namespace
}  // namespace parley::test
