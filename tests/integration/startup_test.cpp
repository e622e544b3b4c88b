// Start-up failures: each must stop parleyd with a message that says what is wrong and where.
#include <fstream>

#include "integration/node_fixture.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

class StartupTest : public ::testing::Test {
  protected:
    DaemonProcess::RunResult check(const StandaloneConfig& config) {
        const auto path = write_standalone_config((dir.path() / "node.yaml"), config);
        return DaemonProcess::run_to_completion({"--check-config", "-c", path.string()});
    }
    DaemonProcess::RunResult check_text(const std::string& yaml) {
        const auto path = (dir.path() / "node.yaml");
        std::ofstream(path) << yaml;
        return DaemonProcess::run_to_completion({"--check-config", "-c", path.string()});
    }

    TempDir dir{"startup-test"};
};

TEST_F(StartupTest, TheEmbeddedAndShippedConfigurationsAreValid) {
    const auto embedded = DaemonProcess::run_to_completion({"--check-config"});
    EXPECT_EQ(embedded.exit_code, 0) << embedded.output;
    EXPECT_NE(embedded.output.find("configuration OK"), std::string::npos) << embedded.output;

    const std::string source = PARLEY_TEST_SOURCE_DIR;
    const auto shipped = DaemonProcess::run_to_completion(
        {"--check-config", "-c", source + "/config/standalone.yaml"});
    EXPECT_EQ(shipped.exit_code, 0) << shipped.output;
}

TEST_F(StartupTest, MissingPluginNamesThePathsTriedAndAClosePlugin) {
    StandaloneConfig config;
    config.extra_handlers = {"privat"};
    const auto result = check(config);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("handler plugin 'privat'"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("parley-handler-privat.so not found; tried:"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("did you mean 'private'?"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("node.yaml:"), std::string::npos)
        << "names where the YAML asked for it: " << result.output;
}

TEST_F(StartupTest, BrokenYamlNamesFileLineAndColumn) {
    const auto result = check_text("node:\n  id: x\nserver: [unclosed\n");
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("configuration error"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find("node.yaml:"), std::string::npos) << result.output;
}

TEST_F(StartupTest, UnknownKeysAndWrongTypesNameTheirLocation) {
    StandaloneConfig config;
    config.extra_yaml = "transprot: {plugin: local}\n";
    auto result = check(config);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("unknown key 'transprot'"), std::string::npos) << result.output;

    config = {};
    config.idle_heartbeats = -3;
    result = check(config);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("out of range"), std::string::npos) << result.output;
}

TEST_F(StartupTest, BadPluginSettingsAreConfigurationErrors) {
    StandaloneConfig config;
    config.duplicate_login = "kik";
    const auto result = check(config);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("did you mean 'kick'?"), std::string::npos) << result.output;
}

TEST_F(StartupTest, PluginForAnotherApiVersionIsRefused) {
    StandaloneConfig config;
    config.plugin_paths = {test_plugin_dir()};
    config.extra_handlers = {"future-api"};
    const auto result = check(config);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("built for plugin API version " +
                                 std::to_string(kPluginApiVersion + 1000)),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("parley-handler-future-api.so"), std::string::npos)
        << result.output;
}

TEST_F(StartupTest, SharedObjectWithoutTheEntryIsRefused) {
    StandaloneConfig config;
    config.plugin_paths = {test_plugin_dir()};
    config.extra_handlers = {"no-entry"};
    const auto result = check(config);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("does not export `parley_plugin_entry`"), std::string::npos)
        << result.output;
}

TEST_F(StartupTest, TwoHandlersForOneTypeNameBoth) {
    StandaloneConfig config;
    config.extra_handlers = {"private"};
    const auto result = check(config);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find("frame type 0x04 is claimed by both handler plugin 'private' "
                                 "and handler plugin 'private'"),
              std::string::npos)
        << result.output;
}

TEST_F(StartupTest, OverlaysOverrideTheBaseFile) {
    StandaloneConfig config;
    const auto base = write_standalone_config((dir.path() / "base.yaml"), config);
    const auto overlay = (dir.path() / "overlay.yaml");
    std::ofstream(overlay) << "node:\n  id: from-overlay\n";
    DaemonOptions options;
    options.configs = {base, overlay};
    DaemonProcess daemon(options);
    RawClient client;
    ASSERT_TRUE(client.connect(daemon.endpoint()));
    const auto reply = client.handshake(1);
    ASSERT_TRUE(reply.has_value());
    wire::HandshakeOk ok;
    ASSERT_TRUE(reply->parse_body(ok));
    EXPECT_EQ(ok.node_id(), "from-overlay");
}

TEST_F(StartupTest, WildcardListenerWithoutAdvertiseIsWarnedAbout) {
    StandaloneConfig config;
    config.listen = {"0.0.0.0:0"};
    DaemonOptions options;
    options.configs = {write_standalone_config((dir.path() / "wild.yaml"), config)};
    {
        DaemonProcess daemon(options);
        EXPECT_NE(daemon.log_text().find("without server.advertise"), std::string::npos)
            << daemon.log_text();
    }
    const auto advertised =
        write_file(dir.file("advertise.yaml"), "server:\n  advertise: [\"127.0.0.1:7400\"]\n");
    options.configs.push_back(advertised);
    DaemonProcess daemon(options);
    EXPECT_EQ(daemon.log_text().find("without server.advertise"), std::string::npos)
        << daemon.log_text();
}

TEST_F(StartupTest, PortInUseFailsStartUp) {
    StandaloneConfig config;
    const auto first_path = write_standalone_config((dir.path() / "first.yaml"), config);
    DaemonOptions options;
    options.configs = {first_path};
    DaemonProcess first(options);
    config.listen = {first.endpoint()};
    const auto second_path = write_standalone_config((dir.path() / "second.yaml"), config);
    const auto result = DaemonProcess::run_to_completion({"-c", second_path.string()});
    EXPECT_EQ(result.exit_code, 3) << result.output;
    EXPECT_NE(result.output.find("cannot listen on"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace parley::test
