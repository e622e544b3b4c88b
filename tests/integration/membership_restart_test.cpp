// Group memberships of a standalone node whose store-memory keeps them in a groups file: they
// survive the node being killed and started again on the same files.
#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

class MembershipRestartTest : public NodeTest {
  protected:
    void join(RawClient& client, GroupId group, std::uint64_t id) {
        wire::GroupMembership request;
        request.set_client_msg_id(id);
        ASSERT_TRUE(client.send_frame(FrameType::group_join, kNoUser, group, request));
        ASSERT_TRUE(acked(client, id));
    }
};

TEST_F(MembershipRestartTest, MembershipsSurviveASigkill) {
    config.store_settings = {"groups_path: \"" + dir.file("groups.db").string() + "\""};
    start();
    {
        auto a = login(1);
        auto b = login(2);
        join(*a, 7, 1);
        join(*b, 7, 1);
    }
    // The joins were acknowledged, so they are in the file: no clean shutdown is needed.
    daemon->kill9();
    daemon.reset();
    start();

    auto a = login(1);
    auto b = login(2);
    auto outsider = login(3);
    ASSERT_TRUE(a->send_frame(FrameType::group_message, kNoUser, 7, chat(2, "still here")));
    EXPECT_TRUE(acked(*a, 2));
    const auto frame = read_until(*b, FrameType::group_message);
    ASSERT_TRUE(frame.has_value()) << "the member did not get the group message";
    EXPECT_EQ(frame->sender(), 1U);
    wire::ChatMessage body;
    ASSERT_TRUE(frame->parse_body(body));
    EXPECT_EQ(body.content(), "still here");

    ASSERT_TRUE(outsider->send_frame(FrameType::group_message, kNoUser, 7, chat(1, "me too")));
    EXPECT_TRUE(outsider->expect_error(ErrorCode::permission_denied));
}

}  // namespace
}  // namespace parley::test
