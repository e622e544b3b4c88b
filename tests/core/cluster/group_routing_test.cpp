// Group messages go only where members are: ClusterRouter::send_to_group sends one copy to
// each other node that holds a member's session, hands the message to its own members, and
// falls back to the group route when the Store cannot say; GroupDelivery hands out only the
// copies addressed to its own node.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/error.hpp>
#include <parley/session.hpp>

#include "cluster/group_delivery.hpp"
#include "cluster/group_fan_out.hpp"
#include "cluster/router.hpp"
#include "support/empty_store.hpp"
#include "support/receiving_session.hpp"

namespace parley::cluster {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr GroupId kGroup = 4;

/// Group kGroup's members and where each is logged in. group_nodes() is the SDK's default: the
/// members, then a locate() each.
class MembersStore final : public test::EmptyStore {
  public:
    asio::awaitable<std::optional<SessionRecord>> locate(UserId user) override {
        const std::lock_guard lock(mutex);
        const auto found = where.find(user);
        if (found == where.end()) {
            co_return std::nullopt;
        }
        co_return SessionRecord{user, found->second, 1};
    }
    asio::awaitable<bool> is_member(GroupId, UserId) override { co_return true; }
    asio::awaitable<std::vector<UserId>> group_members(GroupId group) override {
        ++member_lookups;
        if (down) {
            throw Error(ErrorCode::backend_unavailable, "the store is down");
        }
        co_return group == kGroup ? members : std::vector<UserId>{};
    }

    std::mutex mutex;
    std::vector<UserId> members;
    std::map<UserId, std::string> where;
    std::atomic<int> member_lookups{0};
    std::atomic<bool> down{false};
};

struct Published {
    std::string node;  ///< empty: the group route
    Envelope envelope;
};

class RecordingTransport final : public Transport {
  public:
    void start(const std::string&, TransportListener&) override {}
    asio::awaitable<void> publish_to_node(std::string node, Envelope envelope) override {
        if (node == refused_node) {
            throw Error(ErrorCode::backend_unavailable, "the transport refused it");
        }
        published.push_back(Published{std::move(node), std::move(envelope)});
        co_return;
    }
    asio::awaitable<void> publish_to_group(GroupId group, Frame frame) override {
        Envelope envelope;
        envelope.recipient = group;
        envelope.frame = std::move(frame);
        published.push_back(Published{"", std::move(envelope)});
        co_return;
    }
    void adopt_route(const std::string&) override {}
    void release_route(const std::string&) override {}
    void stop() override {}

    std::vector<Published> published;
    std::string refused_node;  ///< copies for this node fail
};

/// Counts what it is sent.
class CountingSession final : public test::ReceivingSession {
  public:
    using ReceivingSession::ReceivingSession;
    void send(Frame) override {
        const std::lock_guard lock(mutex_);
        ++got_;
        changed_.notify_all();
    }

    /// Frames received once `count` did, or after 5 s (0: after a short wait).
    std::size_t wait_for(std::size_t count) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, count == 0 ? 100ms : 5s,
                          [&] { return got_ >= count && count > 0; });
        return got_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t got_ = 0;
};

ServiceInstance node_named(const std::string& id) {
    ServiceInstance instance;
    instance.service = "parley.im";
    instance.id = id;
    return instance;
}

class GroupRoutingTest : public ::testing::Test {
  protected:
    void SetUp() override {
        store.members = {7, 8, 9};
        directory.insert(7, member_here);
        loops.start();
    }
    void TearDown() override {
        loops.stop();
        loops.join();
    }

    void send(std::uint8_t marker) {
        const std::uint8_t body[] = {marker};
        asio::io_context io;
        auto done = asio::co_spawn(
            io,
            router.send_to_group(kGroup, Frame::make(FrameType::group_message, 8, kGroup, body)),
            asio::use_future);
        io.run();
        done.get();
    }

    MembersStore store;
    RecordingTransport transport;
    LocalDirectory directory;
    net::LoopPool loops{1};
    FanOutBacklog backlog{config::FanOutLimits{}};
    GroupFanOut groups{directory, store, loops, backlog};
    ClusterRouter router{"node-1", directory, store, transport, groups, backlog};
    std::shared_ptr<CountingSession> member_here = std::make_shared<CountingSession>(7);
};

TEST_F(GroupRoutingTest, ANodeAloneHandsOutHereAndAsksTheStoreNothing) {
    router.on_nodes({node_named("node-1")});
    send(1);
    EXPECT_EQ(member_here->wait_for(1), 1u);
    EXPECT_THAT(transport.published, IsEmpty());
    EXPECT_EQ(store.member_lookups, 1) << "only the fan-out's own lookup of who is here";
}

TEST_F(GroupRoutingTest, EachOtherNodeWithMembersGetsOneCopyAndNodesWithoutNone) {
    router.on_nodes(
        {node_named("node-1"), node_named("node-2"), node_named("node-3"), node_named("node-4")});
    store.where = {{7, "node-1"}, {8, "node-3"}, {9, "node-3"}};  // none on node-2 or node-4
    send(1);
    ASSERT_EQ(transport.published.size(), 1u);
    const Published& copy = transport.published[0];
    EXPECT_EQ(copy.node, "node-3");
    EXPECT_EQ(copy.envelope.kind, Envelope::Kind::group);
    EXPECT_EQ(copy.envelope.recipient, kGroup);
    EXPECT_EQ(copy.envelope.session_epoch, node_tag("node-3"));
    EXPECT_EQ(copy.envelope.frame.body()[0], 1);
    EXPECT_EQ(member_here->wait_for(1), 1u) << "the member here, without the transport";

    // Interest follows the members: 8 logs in on node-2 now.
    store.where[8] = "node-2";
    send(2);
    std::vector<std::string> nodes;
    for (const Published& p : transport.published) {
        nodes.push_back(p.node);
    }
    EXPECT_THAT(nodes, ::testing::UnorderedElementsAre("node-3", "node-2", "node-3"));
}

std::vector<std::string> nodes_of(const std::vector<Published>& published) {
    std::vector<std::string> nodes;
    for (const Published& p : published) {
        nodes.push_back(p.node);
    }
    return nodes;
}

TEST_F(GroupRoutingTest, WhileTheStoreCannotSayEveryLiveNodeGetsACopyOnItsRoute) {
    // On the node routes, as the group's other messages: none overtakes another.
    router.on_nodes({node_named("node-1"), node_named("node-2"), node_named("node-3")});
    store.down = true;
    send(1);
    EXPECT_THAT(nodes_of(transport.published), ::testing::UnorderedElementsAre("node-2", "node-3"));
    for (const Published& p : transport.published) {
        EXPECT_EQ(p.envelope.kind, Envelope::Kind::group);
        EXPECT_EQ(p.envelope.session_epoch, node_tag(p.node));
    }
}

TEST_F(GroupRoutingTest, BeforeTheRegistryAnswersItAsksTheStoreAndFallsBackToTheGroupRoute) {
    // No on_nodes() yet: another node may hold members, so the store is asked.
    store.where = {{8, "node-2"}};
    send(1);
    EXPECT_THAT(nodes_of(transport.published), ElementsAre("node-2"));
    // And with the store down too, nothing but the group route reaches every node.
    store.down = true;
    send(2);
    EXPECT_THAT(nodes_of(transport.published), ElementsAre("node-2", ""));
}

TEST_F(GroupRoutingTest, ACopyTheTransportRefusesFailsTheSendAfterTheMembersHereGotIt) {
    router.on_nodes({node_named("node-1"), node_named("node-2"), node_named("node-3")});
    store.where = {{7, "node-1"}, {8, "node-2"}, {9, "node-3"}};
    transport.refused_node = "node-3";
    EXPECT_THROW(send(1), Error);
    EXPECT_THAT(nodes_of(transport.published), ElementsAre("node-2")) << "the other copy went";
    EXPECT_EQ(member_here->wait_for(1), 1u);
}

TEST_F(GroupRoutingTest, AGroupOverTheMemberLimitGoesToEveryLiveNode) {
    router.on_nodes({node_named("node-1"), node_named("node-2"), node_named("node-3")});
    router.route_groups(true, 2);  // kGroup has three members
    store.where = {{7, "node-1"}, {8, "node-2"}};
    send(1);
    EXPECT_THAT(nodes_of(transport.published), ::testing::UnorderedElementsAre("node-2", "node-3"))
        << "where its members are was not asked: node-3 gets a copy too";
}

TEST_F(GroupRoutingTest, BroadcastSendsEveryGroupMessageOnTheGroupRoute) {
    router.on_nodes({node_named("node-1"), node_named("node-2")});
    router.route_groups(false, 1000);
    store.where = {{8, "node-2"}};
    send(1);
    ASSERT_EQ(transport.published.size(), 1u);
    EXPECT_EQ(transport.published[0].node, "");
    EXPECT_EQ(store.member_lookups, 0) << "nothing asked before it is published";
}

TEST_F(GroupRoutingTest, ACopyConsumedFromAnAdoptedRouteIsNotHandedOutAgain) {
    GroupDelivery delivery("node-1", groups);
    const std::uint8_t body[] = {1};
    Envelope envelope;
    envelope.kind = Envelope::Kind::group;
    envelope.recipient = kGroup;
    envelope.frame = Frame::make(FrameType::group_message, 8, kGroup, body);
    envelope.session_epoch = node_tag("node-2");  // node-2's copy: node-1 adopted its route
    delivery.on_envelope(envelope);
    EXPECT_EQ(member_here->wait_for(0), 0u);
    envelope.session_epoch = node_tag("node-1");
    delivery.on_envelope(envelope);
    EXPECT_EQ(member_here->wait_for(1), 1u);
}

}  // namespace
}  // namespace parley::cluster
