// Private, group and presence, end to end through a real parleyd.
#include <set>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class MessagingTest : public NodeTest {};

TEST_F(MessagingTest, PrivateMessageArrivesWithTheAuthenticatedSenderAndIsAcked) {
    start();
    auto alice = login(1);
    auto bob = login(2);

    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 2, chat(10, "hello bob")));
    EXPECT_TRUE(acked(*alice, 10));

    const auto delivered = read_until(*bob, FrameType::private_message);
    ASSERT_TRUE(delivered.has_value());
    EXPECT_EQ(delivered->sender(), 1U) << "the server stamps the sender";
    EXPECT_EQ(delivered->receiver(), 2U);
    wire::ChatMessage body;
    ASSERT_TRUE(delivered->parse_body(body));
    EXPECT_EQ(body.content(), "hello bob");
    EXPECT_EQ(body.client_msg_id(), 10U);
}

TEST_F(MessagingTest, ManyMessagesArriveInOrder) {
    start();
    auto alice = login(1);
    auto bob = login(2);
    constexpr int kCount = 200;
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 2,
                                      chat(i, "m" + std::to_string(i))));
    }
    for (int i = 1; i <= kCount; ++i) {
        const auto frame = read_until(*bob, FrameType::private_message);
        ASSERT_TRUE(frame.has_value()) << "message " << i << " missing";
        wire::ChatMessage body;
        ASSERT_TRUE(frame->parse_body(body));
        ASSERT_EQ(body.content(), "m" + std::to_string(i));
    }
    for (int i = 1; i <= kCount; ++i) {
        ASSERT_TRUE(acked(*alice, i));
    }
}

TEST_F(MessagingTest, MessageToAnOfflineUserIsRefusedWithItsId) {
    start();
    auto alice = login(1);
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 99, chat(5, "anyone?")));
    wire::ErrorBody error;
    ASSERT_TRUE(alice->expect_error(ErrorCode::recipient_unavailable, RawClient::kTimeout, &error));
    EXPECT_EQ(error.ref_id(), 5U);
    EXPECT_EQ(error.ref_type(), static_cast<unsigned>(FrameType::private_message));
}

TEST_F(MessagingTest, MalformedBodyIsRefusedAndTheSessionLives) {
    start();
    auto alice = login(1);
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 2,
                                  std::string_view("\xff\xff\xff\xff", 4)));
    EXPECT_TRUE(alice->expect_error(ErrorCode::bad_body));
    EXPECT_TRUE(still_serves(*alice));
}

class GroupTest : public NodeTest {
  protected:
    void join(RawClient& client, GroupId group, std::uint64_t id) {
        wire::GroupMembership request;
        request.set_client_msg_id(id);
        ASSERT_TRUE(client.send_frame(FrameType::group_join, kNoUser, group, request));
        ASSERT_TRUE(acked(client, id));
    }
};

TEST_F(GroupTest, EveryOnlineMemberButTheSenderGetsTheMessageOnce) {
    start();
    auto a = login(1);
    auto b = login(2);
    auto c = login(3);
    auto outsider = login(4);
    join(*a, 7, 1);
    join(*b, 7, 1);
    join(*c, 7, 1);

    ASSERT_TRUE(a->send_frame(FrameType::group_message, kNoUser, 7, chat(2, "hi all")));
    EXPECT_TRUE(acked(*a, 2));
    for (RawClient* member : {b.get(), c.get()}) {
        const auto frame = read_until(*member, FrameType::group_message);
        ASSERT_TRUE(frame.has_value());
        EXPECT_EQ(frame->sender(), 1U);
        EXPECT_EQ(frame->receiver(), 7U);
        wire::ChatMessage body;
        ASSERT_TRUE(frame->parse_body(body));
        EXPECT_EQ(body.content(), "hi all");
        EXPECT_FALSE(read_until(*member, FrameType::group_message, 300ms).has_value())
            << "delivered twice";
    }
    EXPECT_FALSE(read_until(*a, FrameType::group_message, 300ms).has_value())
        << "the sender must not get its own message";
    EXPECT_FALSE(read_until(*outsider, FrameType::group_message, 300ms).has_value())
        << "a non-member got the message";
}

TEST_F(GroupTest, NonMembersCannotSendAndLeavingEndsMembership) {
    start();
    auto a = login(1);
    auto b = login(2);
    ASSERT_TRUE(a->send_frame(FrameType::group_message, kNoUser, 9, chat(1, "let me in")));
    EXPECT_TRUE(a->expect_error(ErrorCode::permission_denied));

    join(*a, 9, 2);
    join(*b, 9, 1);
    wire::GroupMembership leave;
    leave.set_client_msg_id(3);
    ASSERT_TRUE(a->send_frame(FrameType::group_leave, kNoUser, 9, leave));
    EXPECT_TRUE(acked(*a, 3));
    ASSERT_TRUE(a->send_frame(FrameType::group_message, kNoUser, 9, chat(4, "still here?")));
    EXPECT_TRUE(a->expect_error(ErrorCode::permission_denied));
    ASSERT_TRUE(b->send_frame(FrameType::group_message, kNoUser, 9, chat(2, "bye a")));
    EXPECT_TRUE(acked(*b, 2));
    EXPECT_FALSE(read_until(*a, FrameType::group_message, 300ms).has_value());
}

TEST_F(GroupTest, MembershipOutlivesTheSession) {
    start();
    {
        auto a = login(1);
        join(*a, 5, 1);
    }
    auto b = login(2);
    join(*b, 5, 1);
    // The daemon notices the first connection closed; then user 1 logs in again.
    std::unique_ptr<RawClient> a;
    for (int attempt = 0; attempt < 50; ++attempt) {
        a = connect();
        const auto reply = a->handshake(1);
        if (reply && reply->type() == FrameType::handshake) {
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(b->send_frame(FrameType::group_message, kNoUser, 5, chat(2, "welcome back")));
    EXPECT_TRUE(acked(*b, 2));
    EXPECT_TRUE(read_until(*a, FrameType::group_message).has_value());
}

class PresenceTest : public NodeTest {};

TEST_F(PresenceTest, ListsOnlineUsersPageByPage) {
    start();
    std::vector<std::unique_ptr<RawClient>> clients;
    for (UserId user : {5, 3, 9, 1, 7}) {
        clients.push_back(login(user));
    }
    std::vector<UserId> seen;
    std::uint64_t cursor = 0;
    for (int page = 0; page < 10; ++page) {
        wire::PresenceRequest request;
        request.set_client_msg_id(100 + page);
        request.set_cursor(cursor);
        request.set_limit(2);
        ASSERT_TRUE(clients[0]->send_frame(FrameType::presence, kNoUser, kNoUser, request));
        const auto frame = read_until(*clients[0], FrameType::presence);
        ASSERT_TRUE(frame.has_value());
        wire::PresenceList list;
        ASSERT_TRUE(frame->parse_body(list));
        EXPECT_EQ(list.client_msg_id(), 100U + page);
        EXPECT_EQ(list.total(), 5U);
        EXPECT_LE(list.users_size(), 2);
        seen.insert(seen.end(), list.users().begin(), list.users().end());
        cursor = list.next_cursor();
        if (cursor == 0) {
            break;
        }
    }
    EXPECT_EQ(seen, (std::vector<UserId>{1, 3, 5, 7, 9}));
}

}  // namespace
}  // namespace parley::test
