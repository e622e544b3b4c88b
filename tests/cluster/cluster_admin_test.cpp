// parley.admin.v1.Admin across a real cluster: every node hosts it; a call made on one node
// acts where the user is (a kick forwarded over RPC to the node holding the session, a push
// stored in the shared message log and delivered to the user's node).
#include <map>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <parley/client/rpc_channel.hpp>

#include "cluster/cluster_fixture.hpp"
#include "integration/node_fixture.hpp"  // read_until
#include "parley/admin/v1/admin.pb.h"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
namespace admin = parley::admin::v1;

class ClusterAdminTest : public ClusterTest {
  protected:
    void SetUp() override {
        ClusterOptions options;
        options.rpc_services = "[admin]";
        start_cluster(options);
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        stubs_.clear();
        channels_.clear();
        work_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    /// The Admin service of node `index` alone.
    admin::Admin_Stub& on(std::size_t index) {
        auto& stub = stubs_[index];
        if (!stub) {
            auto& channel = channels_[index];
            channel = std::make_unique<client::RpcChannel>(
                io_.get_executor(), client::fixed_targets({node(index).rpc_endpoint()}));
            stub = std::make_unique<admin::Admin_Stub>(channel.get());
        }
        return *stub;
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    std::thread thread_;
    std::map<std::size_t, std::unique_ptr<client::RpcChannel>> channels_;
    std::map<std::size_t, std::unique_ptr<admin::Admin_Stub>> stubs_;
};

TEST_F(ClusterAdminTest, AKickOnOneNodeClosesTheSessionOnTheNodeHoldingIt) {
    auto user = login(2, 501);
    RpcCall call;
    admin::KickRequest request;
    request.set_user(501);
    request.set_reason("maintenance");
    admin::KickReply reply;
    on(0).Kick(&call, &request, &reply, nullptr);
    ASSERT_FALSE(call.Failed()) << to_string(call.code()) << " " << call.ErrorText();
    EXPECT_TRUE(reply.kicked());
    EXPECT_EQ(reply.node_id(), node_id(2));
    wire::Goodbye goodbye;
    const auto frame = read_until(*user, FrameType::goodbye, 5s);
    ASSERT_TRUE(frame.has_value()) << "the kicked user got no GOODBYE";
    ASSERT_TRUE(frame->parse_body(goodbye));
    EXPECT_EQ(goodbye.code(), static_cast<std::uint32_t>(ErrorCode::kicked));
    EXPECT_EQ(goodbye.msg(), "maintenance");

    // Kicking someone who is not online says so.
    RpcCall again;
    request.set_user(599);
    on(1).Kick(&again, &request, &reply, nullptr);
    ASSERT_FALSE(again.Failed()) << again.ErrorText();
    EXPECT_FALSE(reply.kicked());
}

TEST_F(ClusterAdminTest, APushFromTheSystemReachesAUserOnAnotherNode) {
    auto user = login(1, 502);
    RpcCall call;
    admin::PushToUserRequest request;
    request.set_user(502);
    request.set_content("the system speaks");
    admin::PushReply reply;
    on(0).PushToUser(&call, &request, &reply, nullptr);
    ASSERT_FALSE(call.Failed()) << to_string(call.code()) << " " << call.ErrorText();
    EXPECT_TRUE(reply.stored());
    EXPECT_GT(reply.seq(), 0U);
    const auto frame = read_until(*user, FrameType::private_message, 10s);
    ASSERT_TRUE(frame.has_value()) << "the pushed message did not arrive";
    EXPECT_EQ(frame->sender(), kNoUser);
    wire::ChatMessage chat;
    ASSERT_TRUE(frame->parse_body(chat));
    EXPECT_EQ(chat.content(), "the system speaks");
    EXPECT_EQ(chat.seq(), reply.seq());
}

TEST_F(ClusterAdminTest, LocateListAndMembersSeeTheWholeCluster) {
    auto first = login(0, 511);
    auto second = login(2, 512);
    wire::GroupMembership join;
    join.set_client_msg_id(1);
    ASSERT_TRUE(second->send_frame(FrameType::group_join, kNoUser, 77, join));
    ASSERT_TRUE(read_until(*second, FrameType::ack).has_value());

    RpcCall locate_call;
    admin::LocateRequest locate;
    locate.set_user(512);
    admin::LocateReply where;
    on(0).Locate(&locate_call, &locate, &where, nullptr);
    ASSERT_FALSE(locate_call.Failed()) << locate_call.ErrorText();
    EXPECT_TRUE(where.online());
    EXPECT_EQ(where.node_id(), node_id(2));

    RpcCall list_call;
    admin::ListOnlineRequest list;
    list.set_limit(1000);
    admin::ListOnlineReply online;
    on(1).ListOnline(&list_call, &list, &online, nullptr);
    ASSERT_FALSE(list_call.Failed()) << list_call.ErrorText();
    EXPECT_EQ(std::vector<std::uint32_t>(online.users().begin(), online.users().end()),
              (std::vector<std::uint32_t>{511, 512}));

    RpcCall members_call;
    admin::GroupMembersRequest members;
    members.set_group(77);
    admin::GroupMembersReply in_group;
    on(0).GroupMembers(&members_call, &members, &in_group, nullptr);
    ASSERT_FALSE(members_call.Failed()) << members_call.ErrorText();
    EXPECT_EQ(std::vector<std::uint32_t>(in_group.members().begin(), in_group.members().end()),
              (std::vector<std::uint32_t>{512}));

    RpcCall stats_call;
    admin::NodeStatsRequest stats_request;
    admin::NodeStatsReply stats;
    on(2).NodeStats(&stats_call, &stats_request, &stats, nullptr);
    ASSERT_FALSE(stats_call.Failed()) << stats_call.ErrorText();
    EXPECT_EQ(stats.node_id(), node_id(2));
    EXPECT_EQ(stats.users_here(), 1U);
    EXPECT_EQ(stats.users_online(), 2U);
}

TEST_F(ClusterAdminTest, UserZeroIsABadRequest) {
    RpcCall call;
    admin::LocateRequest request;
    admin::LocateReply reply;
    on(0).Locate(&call, &request, &reply, nullptr);
    EXPECT_EQ(call.code(), ErrorCode::bad_body) << call.ErrorText();
}

}  // namespace
}  // namespace parley::test
