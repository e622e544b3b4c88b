// registry-static, loaded as parleyd loads it: what its YAML lists and how it is validated.
// What every registry does is in registry_conformance_test.cpp.

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

constexpr const char* kTwoServices = R"(services:
  parley.im:
    - id: node-a
      endpoints: ["tcp://10.0.0.1:7000", "[::1]:7001"]
      load: 3
      metadata: {version: "0.3.0"}
    - id: node-b
      endpoints: [b.example.com:7000]
  parley.admin:
    - {id: admin-1, endpoints: ["ws://10.0.0.1:8080/admin"]}
)";

std::vector<std::string> ids(const std::vector<ServiceInstance>& list) {
    std::vector<std::string> out;
    for (const auto& item : list) {
        out.push_back(item.id);
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

TEST(StaticRegistryTest, ListsConfiguredServicesWithSchemes) {
    PluginTestHost host;
    host.load("registry", "static", kTwoServices);
    ASSERT_NE(host.registry, nullptr);
    const auto nodes = run_awaitable(host.registry->instances(kParleyService));
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].service, kParleyService);
    EXPECT_EQ(nodes[0].id, "node-a");
    EXPECT_THAT(nodes[0].endpoints, ElementsAre("tcp://10.0.0.1:7000", "tcp://[::1]:7001"))
        << "a bare host:port is tcp";
    EXPECT_EQ(nodes[0].load, 3u);
    EXPECT_EQ(nodes[0].metadata.at("version"), "0.3.0");
    EXPECT_EQ(nodes[1].id, "node-b");
    EXPECT_EQ(nodes[1].load, 0u);
    const auto admin = run_awaitable(host.registry->instances("parley.admin"));
    ASSERT_EQ(admin.size(), 1u);
    EXPECT_THAT(admin[0].endpoints, ElementsAre("ws://10.0.0.1:8080/admin"));
}

TEST(StaticRegistryTest, TheOlderNodesListIsReadAsParleyIm) {
    PluginTestHost host;
    host.load("registry", "static", "nodes:\n  - {id: n1, endpoints: [\"127.0.0.1:7400\"]}\n");
    const auto nodes = run_awaitable(host.registry->instances(kParleyService));
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_EQ(nodes[0].endpoints, std::vector<std::string>{"tcp://127.0.0.1:7400"});
    EXPECT_THAT(config_error("nodes: [{id: a, endpoints: [\"h:1\"]}]\n"
                             "services: {parley.im: [{id: b, endpoints: [\"h:2\"]}]}\n"),
                HasSubstr("which services lists too; keep one of them"));
}

TEST(StaticRegistryTest, NoSettingsIsAnEmptyList) {
    PluginTestHost host;
    host.load("registry", "static");
    EXPECT_THAT(run_awaitable(host.registry->instances(kParleyService)), IsEmpty());
}

TEST(StaticRegistryTest, MissingEndpointsIsAnError) {
    const auto error = config_error("services:\n  parley.im:\n    - id: node-a\n");
    EXPECT_THAT(error, HasSubstr("test.yaml:3:"));
    EXPECT_THAT(error, HasSubstr("'endpoints' is missing"));
}

TEST(StaticRegistryTest, EmptyEndpointsIsAnError) {
    EXPECT_THAT(config_error("nodes:\n  - {id: node-a, endpoints: []}\n"),
                HasSubstr("instance 'node-a' lists no endpoints"));
}

TEST(StaticRegistryTest, MissingIdIsAnError) {
    EXPECT_THAT(config_error("nodes:\n  - endpoints: [\"h:1\"]\n"), HasSubstr("'id' is missing"));
}

TEST(StaticRegistryTest, BadEndpointsAreErrors) {
    for (const std::string bad :
         {"localhost", "localhost:", ":7000", "host:0", "host:65536", "host:70x", "::1:7000",
          "[::1]7000", "[]:7000", "ho st:1", "ftp://h:1", "tcp://h:1/path"}) {
        const auto error =
            config_error("nodes:\n  - id: n\n    endpoints:\n      - \"" + bad + "\"\n");
        EXPECT_THAT(error, HasSubstr("bad endpoint '" + bad + "' for instance 'n'")) << bad;
        EXPECT_THAT(error, HasSubstr("test.yaml:4:")) << bad;  // the item's own line
    }
}

TEST(StaticRegistryTest, DuplicateIdIsAnError) {
    const auto error = config_error(
        "nodes:\n  - {id: a, endpoints: [\"h:1\"]}\n  - {id: a, endpoints: [\"h:2\"]}\n");
    EXPECT_THAT(error, HasSubstr("test.yaml:3:"));
    EXPECT_THAT(error, HasSubstr("duplicate id 'a' in service 'parley.im'; it is first listed "
                                 "at test.yaml:2:"));
}

TEST(StaticRegistryTest, UnknownKeysAreErrors) {
    EXPECT_THAT(config_error("servces: {}\n"), HasSubstr("unknown key 'servces'"));
    EXPECT_THAT(config_error("nodes:\n  - {id: a, endpoints: [\"h:1\"], lode: 1}\n"),
                HasSubstr("unknown key 'lode' in registry-static instance; did you mean 'load'?"));
}

TEST(StaticRegistryTest, WrongShapesAreErrors) {
    EXPECT_THAT(config_error("nodes: {id: a}\n"), HasSubstr("are a list"));
    EXPECT_THAT(config_error("services: [a]\n"), HasSubstr("services maps a service name"));
    EXPECT_THAT(config_error("nodes: [a]\n"), HasSubstr("an instance is a map"));
    EXPECT_THAT(config_error("nodes:\n  - {id: a, endpoints: [\"h:1\"], metadata: [x]}\n"),
                HasSubstr("metadata is a map"));
    EXPECT_THAT(config_error("nodes:\n  - {id: a, endpoints: [\"h:1\"], load: -1}\n"),
                HasSubstr("test.yaml:2:"));
}

TEST(StaticRegistryTest, AnnouncingAListedInstanceUpdatesItInPlace) {
    PluginTestHost host;
    host.load("registry", "static", kTwoServices);
    ServiceInstance self{kParleyService, "node-b", {"tcp://10.0.0.2:7000"}, 5, {}};
    run_awaitable(host.registry->announce(std::move(self)));
    const auto nodes = run_awaitable(host.registry->instances(kParleyService));
    EXPECT_THAT(ids(nodes), ElementsAre("node-a", "node-b"));
    EXPECT_THAT(nodes[1].endpoints, ElementsAre("tcp://10.0.0.2:7000"));
    EXPECT_EQ(nodes[1].load, 5u);

    // Withdrawn, it is gone, though the YAML listed it; the others stay.
    run_awaitable(host.registry->withdraw());
    EXPECT_THAT(ids(run_awaitable(host.registry->instances(kParleyService))),
                ElementsAre("node-a"));
    EXPECT_THAT(ids(run_awaitable(host.registry->instances("parley.admin"))),
                ElementsAre("admin-1"));
}

TEST(StaticRegistryTest, AnnounceWithoutEndpointsKeepsConfiguredOnes) {
    PluginTestHost host;
    host.load("registry", "static", kTwoServices);
    ServiceInstance self{kParleyService, "node-a", {}, 1, {}};
    run_awaitable(host.registry->announce(std::move(self)));
    const auto nodes = run_awaitable(host.registry->instances(kParleyService));
    EXPECT_THAT(nodes[0].endpoints, ElementsAre("tcp://10.0.0.1:7000", "tcp://[::1]:7001"));
    EXPECT_EQ(nodes[0].metadata.at("version"), "0.3.0");
    EXPECT_EQ(nodes[0].load, 1u);
}

TEST(StaticRegistryTest, WatchCallsBackOnTheCallersThreadAndCallbacksMayChangeTheRegistry) {
    PluginTestHost host;
    host.load("registry", "static");
    Registry& registry = *host.registry;
    ServiceInstance self{kParleyService, "self", {"tcp://127.0.0.1:7000"}, 0, {}};
    run_awaitable(registry.announce(std::move(self)));

    std::vector<std::uint32_t> loads;
    auto subscription = registry.watch(kParleyService, [&](std::vector<ServiceInstance> nodes) {
        loads.push_back(nodes.at(0).load);
        if (nodes.at(0).load == 1) {
            registry.report_load(kParleyService, 2);  // re-entrant change, no deadlock
        }
    });
    EXPECT_THAT(loads, ElementsAre(0)) << "at once, before watch returns";
    registry.report_load(kParleyService, 1);
    EXPECT_THAT(loads, ElementsAre(0, 1, 2));
    registry.report_load(kParleyService, 2);  // no change, no call
    EXPECT_EQ(loads.size(), 3u);
}

}  // namespace
}  // namespace parley::test
