// parley-abuse against a real parleyd, briefly, for two attacks: the node must answer the
// attacker as its limits say (so the attack really ran) and keep answering the innocent pair,
// every message acknowledged and delivered, during the attack and after it. Timings vary with
// the machine, so nothing here looks at latency figures.
#include <chrono>
#include <csignal>
#include <string>
#include <vector>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled into this test alone
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::filesystem::path abuse_binary() {
    return DaemonProcess::default_binary().parent_path() / "parley-abuse";
}

std::filesystem::path abuse_config() {
    return std::filesystem::path{PARLEY_TEST_SOURCE_DIR} / "bench/config/parleyd-abuse.yaml";
}

class AbuseSmokeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        DaemonOptions options;
        options.configs = {abuse_config()};
        daemon_ = std::make_unique<DaemonProcess>(options);
    }

    /// Runs one short attack with `args`; returns parley-abuse's JSON result.
    json::object run_attack(std::vector<std::string> args) {
        const auto result_file = dir_.file("result.json");
        const auto log = dir_.file("abuse.log");
        args.insert(args.end(), {"--port", std::to_string(daemon_->port()), "--server-pid",
                                 std::to_string(daemon_->pid()), "--baseline", "0.5", "--duration",
                                 "1.5", "--recovery", "1", "--json", result_file.string()});
        const auto pid = spawn_logged(abuse_binary(), args, log);
        const auto status = wait_for_exit(pid, 60s);
        if (!status) {
            ::kill(pid, SIGKILL);
            wait_for_exit(pid, 5s);
            ADD_FAILURE() << "parley-abuse did not finish in 60 s; its output:\n" << read_file(log);
            return {};
        }
        EXPECT_EQ(*status, 0) << "parley-abuse output:\n" << read_file(log);
        boost::system::error_code error;
        auto value = json::parse(read_file(result_file), error);
        if (error || !value.is_object()) {
            ADD_FAILURE() << "no JSON object from parley-abuse:\n" << read_file(log);
            return {};
        }
        return value.as_object();
    }

    static std::int64_t number(const json::object& object, std::string_view key) {
        const auto* value = object.if_contains(key);
        if (value == nullptr || !value->is_number()) {
            ADD_FAILURE() << "no number '" << key << "' in " << json::serialize(object);
            return -1;
        }
        return value->to_number<std::int64_t>();
    }

    /// During the attack and after it, every message of the innocent pair was acknowledged to
    /// A and delivered to B.
    static void expect_innocent_served(const json::object& result) {
        const auto& innocent = result.at("innocent").as_object();
        for (const char* phase : {"attack", "attack_delivery", "recovery", "recovery_delivery"}) {
            const auto& summary = innocent.at(phase).as_object();
            EXPECT_GT(number(summary, "sent"), 0) << phase;
            EXPECT_EQ(number(summary, "unanswered"), 0) << phase << ": " << json::serialize(result);
            EXPECT_EQ(number(summary, "refused"), 0) << phase;
        }
        EXPECT_GT(number(result.at("rss_kib").as_object(), "peak"), 0);
    }

    static std::int64_t answered(const json::object& result, std::string_view answer) {
        const auto& answers = result.at("attacker").as_object().at("answers").as_object();
        const auto* count = answers.if_contains(answer);
        return count == nullptr ? 0 : count->to_number<std::int64_t>();
    }

    TempDir dir_{"parley-abuse-smoke"};
    std::unique_ptr<DaemonProcess> daemon_;
};

TEST_F(AbuseSmokeTest, FailedLoginFloodIsThrottledWhileTheInnocentIsServed) {
    const auto result =
        run_attack({"--attack", "failed-logins", "--connections", "20", "--attack-addresses", "2"});
    expect_innocent_served(result);
    EXPECT_GT(answered(result, "parley error 1000"), 0) << "handshakes for user 0 fail";
    EXPECT_GT(answered(result, "parley error 4000"), 0)
        << "past failed_login_burst an address's handshakes are refused unread";
    EXPECT_TRUE(daemon_->running());
}

TEST_F(AbuseSmokeTest, HugePreloginHeadersAreRefusedWhileTheInnocentIsServed) {
    const auto result = run_attack(
        {"--attack", "prelogin-flood", "--connections", "50", "--attack-addresses", "2"});
    expect_innocent_served(result);
    EXPECT_GT(answered(result, "parley goodbye 3002"), 0)
        << "a 64 MiB body announced before login is over prelogin_max_frame_size";
    EXPECT_TRUE(daemon_->running());
}

}  // namespace
}  // namespace parley::test
