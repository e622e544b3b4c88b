// parley-kafka-mock as scripts and tests run it: ready file, stdin control, signals.

#include "support/kafka_mock.hpp"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::vector<std::uint16_t> ports_of(const std::string& bootstrap) {
    std::vector<std::uint16_t> ports;
    std::istringstream in(bootstrap);
    for (std::string broker; std::getline(in, broker, ',');) {
        ports.push_back(
            static_cast<std::uint16_t>(std::stoul(broker.substr(broker.rfind(':') + 1))));
    }
    return ports;
}

ToolRun run_tool(const std::vector<std::string>& args) {
    return test::run_tool(KafkaMock::default_binary(), args);
}

TEST(KafkaMockToolTest, HelpSaysItIsForTestsOnly) {
    const ToolRun run = run_tool({"--help"});
    EXPECT_EQ(run.status, 0);
    EXPECT_THAT(run.output, HasSubstr("FOR TESTS AND LOCAL CLUSTERS ONLY"));
    EXPECT_THAT(run.output, HasSubstr("--ready-file"));
}

TEST(KafkaMockToolTest, RefusesBadOptions) {
    EXPECT_EQ(run_tool({"--brokers", "0"}).status, 2);
    EXPECT_EQ(run_tool({"--topic", "nopartitions"}).status, 2);
    const ToolRun unknown = run_tool({"--bogus"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_THAT(unknown.output, HasSubstr("unknown option '--bogus'"));
}

TEST(KafkaMockToolTest, ServesAfterEndOfInputUntilSigterm) {
    TempDir dir{"kafka-mock"};
    const auto ready = dir.file("ready");
    const auto log = dir.file("log");
    // stdin is /dev/null: end of input at once, as under scripts/services.sh.
    const pid_t pid = spawn_logged(KafkaMock::default_binary(),
                                   {"--brokers", "2", "--ready-file", ready.string()}, log);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!std::filesystem::exists(ready) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    const std::string text = read_file(ready);
    EXPECT_THAT(text, HasSubstr("pid=" + std::to_string(pid) + "\n"));
    const auto line = text.substr(0, text.find('\n'));
    ASSERT_TRUE(line.starts_with("bootstrap=")) << text;
    const auto ports = ports_of(line.substr(10));
    EXPECT_EQ(ports.size(), 2u);

    std::this_thread::sleep_for(700ms);
    EXPECT_FALSE(wait_for_exit(pid, 0ms).has_value()) << "stopped at end of input";
    for (const auto port : ports) {
        EXPECT_TRUE(accepts_connections(port));
    }

    ::kill(pid, SIGTERM);
    const auto status = wait_for_exit(pid, 5s);
    if (!status) {
        ::kill(pid, SIGKILL);
        wait_for_exit(pid, 1h);
    }
    EXPECT_EQ(status, 0);
    EXPECT_FALSE(std::filesystem::exists(ready)) << "ready file left behind";
}

TEST(KafkaMockToolTest, BrokersGoDownAndComeBackOnCommand) {
    KafkaMock mock(KafkaMockOptions{3, {"preset:2"}});
    const auto ports = ports_of(mock.bootstrap());
    ASSERT_EQ(ports.size(), 3u);

    mock.broker_down(2);
    EXPECT_TRUE(accepts_connections(ports[0]));
    EXPECT_FALSE(accepts_connections(ports[1]));
    mock.broker_up(2);
    EXPECT_TRUE(accepts_connections(ports[1]));

    mock.broker_down(-1);
    for (const auto port : ports) {
        EXPECT_FALSE(accepts_connections(port));
    }
    mock.broker_up(-1);
    for (const auto port : ports) {
        EXPECT_TRUE(accepts_connections(port));
    }

    try {
        mock.broker_down(7);
        FAIL() << "broker 7 of 3 went down";
    } catch (const std::runtime_error& e) {
        EXPECT_THAT(e.what(), HasSubstr("no broker '7'"));
    }
    EXPECT_THAT(mock.log_text(), HasSubstr("ok down 2\nok up 2\n"));
}

}  // namespace
}  // namespace parley::test
