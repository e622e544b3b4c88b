#include <gtest/gtest.h>

#include <parley/client/client_config.hpp>
#include <parley/config_node.hpp>

namespace parley::client {
namespace {

ClientConfig parse(std::string_view yaml) {
    return parse_client_config(ConfigNode::parse_string(yaml, "client.yaml"), "/etc/parley");
}

std::string error_of(std::string_view yaml) {
    try {
        parse(yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "no error";
}

TEST(ClientConfig, ReadsAFixedServerListAndDefaults) {
    const auto config = parse("servers: ['127.0.0.1:7400', 'localhost:7401']\n");
    EXPECT_EQ(config.servers, (std::vector<std::string>{"127.0.0.1:7400", "localhost:7401"}));
    EXPECT_FALSE(config.registry);
    EXPECT_EQ(config.policy, "random");
    EXPECT_FALSE(config.options.heartbeat_interval) << "the server's interval by default";
    EXPECT_EQ(config.options.max_missed_heartbeats, 3);
    EXPECT_TRUE(config.options.reconnect);
}

TEST(ClientConfig, ReadsARegistryAndEveryOption) {
    const auto config = parse(R"(
registry:
  plugin: static
  settings:
    nodes: [{id: n1, endpoints: ["127.0.0.1:7400"]}]
policy: least-loaded
plugin_paths: [plugins, /opt/parley/plugins]
user: 7
token: secret
client_name: tester
heartbeat_interval: 2s
max_missed_heartbeats: 5
reconnect: false
backoff: {initial: 50ms, max: 3s, multiplier: 1.5}
connect_timeout: 750ms
)");
    ASSERT_TRUE(config.registry);
    EXPECT_EQ(config.registry->name, "static");
    EXPECT_TRUE(config.registry->settings.is_map());
    EXPECT_EQ(config.policy, "least-loaded");
    EXPECT_EQ(config.plugin_paths,
              (std::vector<std::filesystem::path>{"/etc/parley/plugins", "/opt/parley/plugins"}));
    const auto& options = config.options;
    EXPECT_EQ(options.user_id, 7u);
    EXPECT_EQ(options.token, "secret");
    EXPECT_EQ(options.client_name, "tester");
    EXPECT_EQ(options.heartbeat_interval, std::chrono::milliseconds{2000});
    EXPECT_EQ(options.max_missed_heartbeats, 5);
    EXPECT_FALSE(options.reconnect);
    EXPECT_EQ(options.backoff.initial, std::chrono::milliseconds{50});
    EXPECT_EQ(options.backoff.max, std::chrono::milliseconds{3000});
    EXPECT_DOUBLE_EQ(options.backoff.multiplier, 1.5);
    EXPECT_EQ(options.connect_timeout, std::chrono::milliseconds{750});
}

TEST(ClientConfig, UnknownPolicyNamesTheLineAndTheClosestName) {
    const auto what = error_of("servers: ['h:1']\npolicy: least-loded\n");
    EXPECT_NE(what.find("client.yaml:2"), std::string::npos) << what;
    EXPECT_NE(what.find("did you mean 'least-loaded'?"), std::string::npos) << what;
}

TEST(ClientConfig, MistakesAreClearErrors) {
    EXPECT_NE(error_of("policy: random\n").find("names no servers"), std::string::npos);
    EXPECT_NE(error_of("servers: ['h:1']\nregistry: static\n").find("not both"), std::string::npos);
    EXPECT_NE(error_of("servers: ['h']\n").find("bad endpoint 'h'"), std::string::npos);
    EXPECT_NE(error_of("servers: []\n").find("empty"), std::string::npos);
    EXPECT_NE(error_of("servers: ['h:1']\nserver: ['h:2']\n").find("'server'"), std::string::npos)
        << "unknown keys are refused";
    EXPECT_NE(error_of("servers: ['h:1']\nbackoff: {initial: 2s, max: 1s}\n").find("initial"),
              std::string::npos);
    EXPECT_NE(error_of("servers: ['h:1']\nmax_missed_heartbeats: 0\n"), "no error");
}

}  // namespace
}  // namespace parley::client
