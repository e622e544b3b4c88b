// registry-static, loaded as parleyd loads it: settings validation and watch callbacks.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>
#include <parley/registry.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"

namespace parley::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kTwoNodes = R"(nodes:
  - id: node-a
    endpoints: ["10.0.0.1:7000", "[::1]:7001"]
    load: 3
  - id: node-b
    endpoints: [b.example.com:7000]
)";

std::vector<std::string> ids(const std::vector<NodeInfo>& nodes) {
    std::vector<std::string> out;
    for (const auto& node : nodes) {
        out.push_back(node.id);
    }
    return out;
}

/// The ConfigError loading `yaml` throws; fails the test when it loads.
std::string config_error(const std::string& yaml) {
    PluginTestHost host;
    try {
        host.load("registry", "static", yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    ADD_FAILURE() << "loaded:\n" << yaml;
    return {};
}

TEST(StaticRegistryTest, ListsConfiguredNodes) {
    PluginTestHost host;
    host.load("registry", "static", kTwoNodes);
    ASSERT_NE(host.registry, nullptr);
    const auto nodes = run_awaitable(host.registry->nodes());
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].id, "node-a");
    EXPECT_THAT(nodes[0].endpoints, ElementsAre("10.0.0.1:7000", "[::1]:7001"));
    EXPECT_EQ(nodes[0].load, 3u);
    EXPECT_EQ(nodes[1].id, "node-b");
    EXPECT_EQ(nodes[1].load, 0u);
}

TEST(StaticRegistryTest, NoSettingsIsAnEmptyList) {
    PluginTestHost host;
    host.load("registry", "static");
    EXPECT_THAT(run_awaitable(host.registry->nodes()), IsEmpty());
}

TEST(StaticRegistryTest, MissingEndpointsIsAnError) {
    const auto error = config_error("nodes:\n  - id: node-a\n");
    EXPECT_THAT(error, HasSubstr("test.yaml:2:"));
    EXPECT_THAT(error, HasSubstr("'endpoints' is missing"));
}

TEST(StaticRegistryTest, EmptyEndpointsIsAnError) {
    EXPECT_THAT(config_error("nodes:\n  - {id: node-a, endpoints: []}\n"),
                HasSubstr("node 'node-a' lists no endpoints"));
}

TEST(StaticRegistryTest, MissingIdIsAnError) {
    EXPECT_THAT(config_error("nodes:\n  - endpoints: [\"h:1\"]\n"), HasSubstr("'id' is missing"));
}

TEST(StaticRegistryTest, BadEndpointsAreErrors) {
    for (const std::string bad : {"localhost", "localhost:", ":7000", "host:0", "host:65536",
                                  "host:70x", "::1:7000", "[::1]7000", "[]:7000", "ho st:1"}) {
        const auto error =
            config_error("nodes:\n  - id: n\n    endpoints:\n      - \"" + bad + "\"\n");
        EXPECT_THAT(error, HasSubstr("bad endpoint '" + bad + "' for node 'n'")) << bad;
        EXPECT_THAT(error, HasSubstr("test.yaml:4:")) << bad;  // the item's own line
    }
}

TEST(StaticRegistryTest, DuplicateIdIsAnError) {
    const auto error = config_error(
        "nodes:\n  - {id: a, endpoints: [\"h:1\"]}\n  - {id: a, endpoints: [\"h:2\"]}\n");
    EXPECT_THAT(error, HasSubstr("test.yaml:3:"));
    EXPECT_THAT(error, HasSubstr("duplicate node id 'a'; it is first listed at test.yaml:2:"));
}

TEST(StaticRegistryTest, UnknownKeysAreErrors) {
    EXPECT_THAT(config_error("nodez: []\n"), HasSubstr("unknown key 'nodez'"));
    EXPECT_THAT(config_error("nodes:\n  - {id: a, endpoints: [\"h:1\"], lode: 1}\n"),
                HasSubstr("unknown key 'lode' in registry-static node; did you mean 'load'?"));
}

TEST(StaticRegistryTest, WrongShapesAreErrors) {
    EXPECT_THAT(config_error("nodes: {id: a}\n"), HasSubstr("nodes is a list"));
    EXPECT_THAT(config_error("nodes: [a]\n"), HasSubstr("a node is a map"));
    EXPECT_THAT(config_error("nodes:\n  - {id: a, endpoints: [\"h:1\"], load: -1}\n"),
                HasSubstr("test.yaml:2:"));
}

TEST(StaticRegistryTest, WatchCallsBackAtOnceAndOnEveryChange) {
    PluginTestHost host;
    host.load("registry", "static", kTwoNodes);
    Registry& registry = *host.registry;

    std::vector<std::vector<NodeInfo>> calls;
    registry.watch([&calls](std::vector<NodeInfo> nodes) { calls.push_back(std::move(nodes)); });
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_THAT(ids(calls[0]), ElementsAre("node-a", "node-b"));

    // Announcing a listed node updates it in place.
    run_awaitable(registry.announce(NodeInfo{"node-b", {"10.0.0.2:7000"}, 5}));
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_THAT(ids(calls[1]), ElementsAre("node-a", "node-b"));
    EXPECT_THAT(calls[1][1].endpoints, ElementsAre("10.0.0.2:7000"));
    EXPECT_EQ(calls[1][1].load, 5u);

    registry.report_load(6);
    ASSERT_EQ(calls.size(), 3u);
    EXPECT_EQ(calls[2][1].load, 6u);
    registry.report_load(6);  // no change, no call
    EXPECT_EQ(calls.size(), 3u);

    run_awaitable(registry.withdraw());
    ASSERT_EQ(calls.size(), 4u);
    EXPECT_THAT(ids(calls[3]), ElementsAre("node-a"));

    registry.report_load(7);  // after withdraw: nothing to update
    EXPECT_EQ(calls.size(), 4u);
    EXPECT_THAT(ids(run_awaitable(registry.nodes())), ElementsAre("node-a"));
}

TEST(StaticRegistryTest, AnnounceAddsAnUnlistedNode) {
    PluginTestHost host;
    host.load("registry", "static");
    Registry& registry = *host.registry;
    std::vector<std::vector<NodeInfo>> calls;
    registry.watch([&calls](std::vector<NodeInfo> nodes) { calls.push_back(std::move(nodes)); });
    EXPECT_THAT(calls.at(0), IsEmpty());

    run_awaitable(registry.announce(NodeInfo{"self", {"127.0.0.1:7000"}, 0}));
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_THAT(ids(calls[1]), ElementsAre("self"));
    EXPECT_THAT(ids(run_awaitable(registry.nodes())), ElementsAre("self"));
}

TEST(StaticRegistryTest, AnnounceWithoutEndpointsKeepsConfiguredOnes) {
    PluginTestHost host;
    host.load("registry", "static", kTwoNodes);
    run_awaitable(host.registry->announce(NodeInfo{"node-a", {}, 1}));
    const auto nodes = run_awaitable(host.registry->nodes());
    EXPECT_THAT(nodes[0].endpoints, ElementsAre("10.0.0.1:7000", "[::1]:7001"));
    EXPECT_EQ(nodes[0].load, 1u);
}

TEST(StaticRegistryTest, CallbacksMayChangeTheRegistry) {
    PluginTestHost host;
    host.load("registry", "static");
    Registry& registry = *host.registry;
    run_awaitable(registry.announce(NodeInfo{"self", {"127.0.0.1:7000"}, 0}));

    std::vector<std::uint32_t> loads;
    registry.watch([&](std::vector<NodeInfo> nodes) {
        loads.push_back(nodes.at(0).load);
        if (nodes.at(0).load == 1) {
            registry.report_load(2);  // re-entrant change, no deadlock
        }
    });
    registry.report_load(1);
    EXPECT_THAT(loads, ElementsAre(0, 1, 2));
}

}  // namespace
}  // namespace parley::test
