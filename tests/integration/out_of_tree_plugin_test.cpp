// The installed parleyd loading a plugin built outside the tree against the installed SDK
// (examples/dice-plugin). Run by out_of_tree_plugin.sh, which installs the build, builds the
// plugin and sets the two variables below; run alone, the tests fail rather than skip.
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/daemon_process.hpp"
#include "support/raw_client.hpp"
#include "support/standalone_config.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

constexpr FrameType kDice{0x80};

std::string env(const char* name) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read on the test's thread, nobody sets it
    const char* value = std::getenv(name);
    return value == nullptr ? std::string{} : std::string{value};
}

std::string body_text(const Frame& frame) {
    const auto body = frame.body();
    return {reinterpret_cast<const char*>(body.data()), body.size()};
}

class OutOfTreePlugin : public ::testing::Test {
  protected:
    void SetUp() override {
        prefix_ = env("PARLEY_INSTALL_PREFIX");
        dice_dir_ = env("PARLEY_DICE_PLUGIN_DIR");
        ASSERT_FALSE(prefix_.empty() || dice_dir_.empty())
            << "PARLEY_INSTALL_PREFIX and PARLEY_DICE_PLUGIN_DIR are not set; run this test "
               "through tests/integration/out_of_tree_plugin.sh (ctest does)";
        ASSERT_TRUE(std::filesystem::exists(dice_dir_ / "parley-handler-dice.so"));
    }

    // A standalone node with the dice handler after the standard five.
    std::filesystem::path write_config(const std::string& dice_entry) {
        StandaloneConfig config;
        config.plugin_paths = {dice_dir_.string()};
        config.extra_handlers = {dice_entry};
        return write_standalone_config(dir_.file("dice.yaml"), config);
    }

    DaemonOptions daemon_options(const std::filesystem::path& config) const {
        DaemonOptions options;
        options.binary = prefix_ / "bin" / "parleyd";  // the installed daemon, not the build's
        options.configs = {config};
        return options;
    }

    std::filesystem::path prefix_;
    std::filesystem::path dice_dir_;
    TempDir dir_;
};

TEST_F(OutOfTreePlugin, RollsDiceAndSurvivesABadRequest) {
    DaemonProcess daemon(daemon_options(write_config("{plugin: dice, settings: {sides: 6}}")));
    RawClient client;
    ASSERT_TRUE(client.connect(daemon.endpoint()));
    const auto login = client.handshake(7);
    ASSERT_TRUE(login);
    ASSERT_EQ(login->type(), FrameType::handshake);

    ASSERT_TRUE(client.send_frame(kDice, kNoUser, kNoUser, "2d6"));
    auto reply = client.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->type(), kDice);
    EXPECT_EQ(reply->sender(), kNoUser);
    EXPECT_EQ(reply->receiver(), 7U);
    const std::string text = body_text(*reply);
    std::smatch match;
    ASSERT_TRUE(std::regex_match(text, match, std::regex{R"(2d6: ([1-6]) ([1-6]) = (\d+))"}))
        << text;
    const int sum = std::stoi(match[3]);
    EXPECT_EQ(sum, std::stoi(match[1]) + std::stoi(match[2]));
    EXPECT_GE(sum, 2);
    EXPECT_LE(sum, 12);

    ASSERT_TRUE(client.send_frame(kDice, kNoUser, kNoUser, "banana"));
    wire::ErrorBody error;
    ASSERT_TRUE(client.expect_error(ErrorCode::bad_body, RawClient::kTimeout, &error));
    EXPECT_NE(error.msg().find("banana"), std::string::npos) << error.msg();

    // The session lives on: the default sides come from the settings.
    ASSERT_TRUE(client.send_frame(kDice, kNoUser, kNoUser, "3d"));
    reply = client.read_frame();
    ASSERT_TRUE(reply);
    EXPECT_TRUE(std::regex_match(body_text(*reply), std::regex{R"(3d6: [1-6] [1-6] [1-6] = \d+)"}))
        << body_text(*reply);
}

TEST_F(OutOfTreePlugin, MisspeltSettingStopsStartUpWithItsLocation) {
    const auto config = write_config("{plugin: dice, settings: {sidez: 6}}");
    const auto run = DaemonProcess::run_to_completion(
        {"-c", config.string()}, std::chrono::seconds(10), prefix_ / "bin" / "parleyd");
    EXPECT_EQ(run.exit_code, 1) << "a configuration error: " << run.output;
    EXPECT_NE(run.output.find("unknown key 'sidez'"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find("did you mean 'sides'"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(config.string() + ":"), std::string::npos) << run.output;
}

// examples/greeter-service: an RPC service plugin and a client program built against the
// installed SDK, called three ways.
TEST_F(OutOfTreePlugin, AServiceBuiltOutsideIsCalledByItsClientByParleyRpcAndOverHttp) {
    const std::filesystem::path greeter = env("PARLEY_GREETER_BUILD_DIR");
    ASSERT_TRUE(std::filesystem::exists(greeter / "plugins" / "parley-service-greeter.so"));
    constexpr const char* kToken = "admin-token-0123456789";
    StandaloneConfig config;
    config.plugin_paths = {(greeter / "plugins").string()};
    config.extra_yaml = std::string{"rpc: {listen: \"127.0.0.1:0\"}\n"} +
                        "admin: {listen: \"127.0.0.1:0\", token: " + kToken + "}\n" +
                        "services: [{plugin: greeter, settings: {word: \"Good morning\"}}]\n";
    DaemonProcess daemon(
        daemon_options(write_standalone_config(dir_.file("greeter.yaml"), config)));
    ASSERT_FALSE(daemon.rpc_endpoint().empty());

    const ToolRun client = run_tool(greeter / "greeter-client", {daemon.rpc_endpoint(), "Ada"});
    EXPECT_EQ(client.status, 0) << client.output;
    EXPECT_EQ(client.output, "Good morning, Ada!\n");
    const ToolRun refused = run_tool(greeter / "greeter-client", {daemon.rpc_endpoint(), ""});
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("3003 BAD_BODY: name is empty"), std::string::npos)
        << refused.output;

    const ToolRun tool = run_tool(prefix_ / "bin" / "parley-rpc",
                                  {"--server", daemon.rpc_endpoint(), "--compact", "call",
                                   "acme.greeter.v1.Greeter/Greet", R"({"name": "Ada"})"});
    EXPECT_EQ(tool.status, 0) << tool.output;
    EXPECT_NE(tool.output.find(R"("greeting":"Good morning, Ada!")"), std::string::npos)
        << tool.output;

    const ToolRun curl =
        run_tool("/usr/bin/curl",
                 {"-sS", "-X", "POST", "-H", std::string{"Authorization: Bearer "} + kToken,
                  "--data-binary", R"({"name": "Ada"})",
                  "http://" + daemon.admin_endpoint() + "/api/v1/acme.greeter.v1.Greeter/Greet"});
    EXPECT_EQ(curl.status, 0) << curl.output;
    EXPECT_EQ(curl.output,
              "{\"code\":0,\"msg\":\"ok\",\"data\":{\"greeting\":\"Good morning, Ada!\"}}\n");
}

}  // namespace
}  // namespace parley::test
