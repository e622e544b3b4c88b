#include <map>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include <parley/client/server_picker.hpp>

namespace parley::client {
namespace {

ServiceInstance node(std::string id, std::vector<std::string> endpoints, std::uint32_t load) {
    return ServiceInstance{kParleyService, std::move(id), std::move(endpoints), load, {}};
}

std::vector<ServiceInstance> three_nodes() {
    return {node("a", {"tcp://10.0.0.1:7400"}, 5), node("b", {"tcp://10.0.0.2:7400"}, 2),
            node("c", {"tcp://10.0.0.3:7400"}, 9)};
}

TEST(ServerPicker, RoundRobinGoesThroughTheNodesInListOrder) {
    auto picker = make_server_picker("round-robin", 1);
    const auto nodes = three_nodes();
    std::vector<std::string> order;
    for (int i = 0; i < 6; ++i) {
        order.push_back(picker->pick(nodes, 1)->node_id);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "a", "b", "c"}));
}

TEST(ServerPicker, LeastLoadedPicksTheMinimum) {
    auto picker = make_server_picker("least-loaded", 1);
    for (int i = 0; i < 20; ++i) {
        EXPECT_EQ(picker->pick(three_nodes(), 1)->node_id, "b");
    }
}

TEST(ServerPicker, LeastLoadedSpreadsTiesAtRandom) {
    auto picker = make_server_picker("least-loaded", 7);
    std::vector<ServiceInstance> nodes{node("a", {"h:1"}, 1), node("b", {"h:2"}, 1),
                                       node("c", {"h:3"}, 4)};
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        seen.insert(picker->pick(nodes, 1)->node_id);
    }
    EXPECT_EQ(seen, (std::set<std::string>{"a", "b"}));
}

TEST(ServerPicker, RandomCoversEveryNodeRoughlyEvenly) {
    auto picker = make_server_picker("random", 42);
    std::map<std::string, int> counts;
    for (int i = 0; i < 3000; ++i) {
        ++counts[picker->pick(three_nodes(), 1)->node_id];
    }
    ASSERT_EQ(counts.size(), 3u);
    for (const auto& [id, count] : counts) {
        EXPECT_GT(count, 800) << id;  // 1000 expected each
    }
}

TEST(ServerPicker, ConsistentHashIsStablePerUser) {
    auto picker = make_server_picker("consistent-hash", 1);
    auto nodes = three_nodes();
    for (UserId user = 1; user < 200; ++user) {
        const auto first = picker->pick(nodes, user)->node_id;
        std::reverse(nodes.begin(), nodes.end());  // listing order must not matter
        EXPECT_EQ(picker->pick(nodes, user)->node_id, first) << user;
    }
}

TEST(ServerPicker, AvoidsTheNodeThatJustFailedWhenAnotherIsLeft) {
    for (const auto& policy : server_policy_names()) {
        auto picker = make_server_picker(policy, 3);
        for (UserId user = 1; user < 50; ++user) {
            EXPECT_NE(picker->pick(three_nodes(), user, "b")->node_id, "b") << policy;
        }
        const std::vector<ServiceInstance> only_b{node("b", {"h:2"}, 0)};
        EXPECT_EQ(picker->pick(only_b, 1, "b")->node_id, "b") << policy << ": better than none";
    }
}

TEST(ServerPicker, SkipsNodesWithoutEndpointsAndUsesTheFirstEndpoint) {
    auto picker = make_server_picker("round-robin", 1);
    const std::vector<ServiceInstance> nodes{node("quiet", {}, 0), node("x", {"h:1", "h:2"}, 0)};
    const auto choice = picker->pick(nodes, 1);
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->node_id, "x");
    EXPECT_EQ(choice->endpoint, "h:1");
    EXPECT_FALSE(picker->pick({node("quiet", {}, 0)}, 1));
    EXPECT_FALSE(picker->pick({}, 1));
}

TEST(ServerPicker, SkipsSchemesTheClientCannotSpeak) {
    auto picker = make_server_picker("round-robin", 1);
    const std::vector<ServiceInstance> nodes{node("web", {"wss://h:443/p"}, 0),
                                             node("mixed", {"wss://h:443/p", "tcp://h:7400"}, 0)};
    for (int i = 0; i < 3; ++i) {
        const auto choice = picker->pick(nodes, 1);
        ASSERT_TRUE(choice);
        EXPECT_EQ(choice->node_id, "mixed");
        EXPECT_EQ(choice->endpoint, "h:7400") << "the tcp endpoint, as host:port";
    }
    EXPECT_FALSE(picker->pick({node("web", {"wss://h:443/p"}, 0)}, 1));
    const auto secure = picker->pick({node("secure", {"ws://h:80/p", "tls://h:7443"}, 0)}, 1);
    ASSERT_TRUE(secure);
    EXPECT_EQ(secure->endpoint, "tls://h:7443") << "tls keeps its scheme";
}

TEST(ServerPicker, KnowsEveryPolicyByName) {
    for (const auto& policy : server_policy_names()) {
        EXPECT_EQ(make_server_picker(policy, 1)->name(), policy);
    }
}

TEST(ServerPicker, UnknownPolicySuggestsTheClosestName) {
    try {
        make_server_picker("round-robn", 1);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("unknown load-balancing policy 'round-robn'"), std::string::npos);
        EXPECT_NE(what.find("did you mean 'round-robin'?"), std::string::npos) << what;
        EXPECT_NE(what.find("consistent-hash"), std::string::npos) << "lists the choices";
    }
    EXPECT_THROW(make_server_picker("", 1), std::invalid_argument);
}

}  // namespace
}  // namespace parley::client
