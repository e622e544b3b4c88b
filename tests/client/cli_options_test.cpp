#include "cli_options.hpp"

#include <gtest/gtest.h>

namespace parley::cli {
namespace {

TEST(CliOptions, ReadsEveryOption) {
    const auto options =
        parse_cli_options({"--server", "127.0.0.1:7400", "-s", "h:2", "--user=5", "--token", "t",
                           "--policy", "round-robin", "--script", "--no-reconnect", "--config",
                           "c.yaml", "--log-level", "debug"});
    EXPECT_EQ(options.servers, (std::vector<std::string>{"127.0.0.1:7400", "h:2"}));
    EXPECT_EQ(options.user, 5u);
    EXPECT_EQ(options.token, "t");
    EXPECT_EQ(options.policy, "round-robin");
    EXPECT_TRUE(options.script);
    EXPECT_TRUE(options.no_reconnect);
    EXPECT_EQ(options.config, std::filesystem::path("c.yaml"));
    EXPECT_EQ(options.log_level, "debug");
    EXPECT_FALSE(options.help);
}

TEST(CliOptions, DefaultsAreEmpty) {
    const auto options = parse_cli_options({});
    EXPECT_TRUE(options.servers.empty());
    EXPECT_FALSE(options.user);
    EXPECT_FALSE(options.script);
    EXPECT_TRUE(parse_cli_options({"--help"}).help);
}

TEST(CliOptions, MistakesAreUsageErrors) {
    EXPECT_THROW(parse_cli_options({"--user"}), UsageError);
    EXPECT_THROW(parse_cli_options({"--user", "0"}), UsageError);
    EXPECT_THROW(parse_cli_options({"--user", "alice"}), UsageError);
    EXPECT_THROW(parse_cli_options({"--script=yes"}), UsageError);
    try {
        parse_cli_options({"--sever", "h:1"});
        FAIL() << "no exception";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("did you mean '--server'?"), std::string::npos)
            << e.what();
    }
}

TEST(CliOptions, UsageMentionsEveryOption) {
    const auto usage = cli_usage();
    for (const char* option : {"--server", "--config", "--user", "--token", "--policy", "--script",
                               "--no-reconnect", "--log-level", "--help"}) {
        EXPECT_NE(usage.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace parley::cli
