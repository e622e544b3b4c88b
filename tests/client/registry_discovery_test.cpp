// Loads the real registry-static plugin from the build ($PARLEY_PLUGIN_PATH, set by ctest).

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <parley/client/client_config.hpp>
#include <parley/config_node.hpp>
#include <parley/host/plugin_loader.hpp>

#include "plugins/run_awaitable.hpp"

namespace parley::client {
namespace {

ClientConfig registry_config(std::string_view registry_yaml) {
    return parse_client_config(ConfigNode::parse_string(registry_yaml, "client.yaml"), ".");
}

TEST(RegistryDiscovery, ListsTheNodesOfTheStaticRegistryPlugin) {
    asio::io_context io;
    const auto config = registry_config(R"(
registry:
  plugin: static
  settings:
    services:
      parley.im:
        - {id: n1, endpoints: ["tcp://127.0.0.1:7400"], load: 3}
        - {id: n2, endpoints: ["127.0.0.1:7401"]}
      parley.admin:
        - {id: admin, endpoints: ["tcp://127.0.0.1:9000"]}
)");
    const auto discovery = make_discovery(config, io.get_executor());
    EXPECT_EQ(discovery->describe(), "registry plugin 'static'");
    const auto nodes = test::run_awaitable(discovery->instances());
    ASSERT_EQ(nodes.size(), 2u);
    EXPECT_EQ(nodes[0].id, "n1");
    EXPECT_EQ(nodes[0].load, 3u);
    EXPECT_EQ(nodes[1].endpoints, std::vector<std::string>{"tcp://127.0.0.1:7401"});

    std::vector<ServiceInstance> watched;
    const auto subscription = discovery->watch(
        [&watched](std::vector<ServiceInstance> list) { watched = std::move(list); });
    EXPECT_EQ(watched.size(), 2u) << "registry-static reports parley.im at once, nothing else";
}

TEST(RegistryDiscovery, AMissingPluginNamesWhatWasTried) {
    asio::io_context io;
    const auto config = registry_config("registry: {plugin: zookeper}\n");
    try {
        make_discovery(config, io.get_executor());
        FAIL() << "no exception";
    } catch (const host::PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("parley-registry-zookeper.so"), std::string::npos)
            << e.what();
    }
}

TEST(RegistryDiscovery, BadPluginSettingsAreConfigErrors) {
    asio::io_context io;
    const auto config = registry_config("registry: {plugin: static, settings: {servces: {}}}\n");
    EXPECT_THROW(make_discovery(config, io.get_executor()), ConfigError);
}

}  // namespace
}  // namespace parley::client
