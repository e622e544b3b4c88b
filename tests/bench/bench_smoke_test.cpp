// parley-bench against a real parleyd, briefly, for every Parley workload and over TLS and
// WebSocket: each run must say it worked (every message arrived exactly once, every connection
// logged in and stayed). Timings vary with the machine, so nothing here looks at throughput or
// latency.
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled into this test alone
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_certificates.hpp"

namespace parley::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::filesystem::path bench_binary() {
    return DaemonProcess::default_binary().parent_path() / "parley-bench";
}

std::filesystem::path bench_config() {
    return std::filesystem::path{PARLEY_TEST_SOURCE_DIR} / "bench/config/parleyd-bench.yaml";
}

class BenchSmokeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        DaemonOptions options;
        options.configs = configs();
        daemon_ = std::make_unique<DaemonProcess>(options);
    }

    virtual std::vector<std::filesystem::path> configs() const { return {bench_config()}; }

    /// Runs parley-bench against the daemon with `args`; returns its JSON result. `endpoint`:
    /// which of the daemon's listeners (default: the first).
    json::object run_bench(std::vector<std::string> args, std::string endpoint = {}) {
        const auto result_file = dir_.file("result-" + std::to_string(++runs_) + ".json");
        const auto log = dir_.file("bench-" + std::to_string(runs_) + ".log");
        if (endpoint.empty()) {
            endpoint = daemon_->endpoint();
        }
        args.insert(args.end(), {"--endpoint", endpoint, "--json", result_file.string(),
                                 "--id-base", std::to_string(runs_ * 100000)});
        const auto pid = spawn_logged(bench_binary(), args, log);
        const auto status = wait_for_exit(pid, 60s);
        if (!status) {
            ::kill(pid, SIGKILL);
            wait_for_exit(pid, 5s);
            ADD_FAILURE() << "parley-bench did not finish in 60 s; its output:\n" << read_file(log);
            return {};
        }
        EXPECT_EQ(*status, 0) << "parley-bench output:\n"
                              << read_file(log) << "\nresult:\n"
                              << read_file(result_file);
        const auto text = read_file(result_file);
        boost::system::error_code error;
        auto value = json::parse(text, error);
        if (error || !value.is_object()) {
            ADD_FAILURE() << "no JSON object from parley-bench: '" << text << "'\n"
                          << read_file(log);
            return {};
        }
        auto object = value.as_object();
        EXPECT_TRUE(object["ok"].as_bool()) << json::serialize(object["problems"]);
        return object;
    }

    static std::int64_t number(const json::object& object, std::string_view key) {
        const auto* value = object.if_contains(key);
        if (value == nullptr || !value->is_number()) {
            ADD_FAILURE() << "no number '" << key << "' in " << json::serialize(object);
            return -1;
        }
        return value->to_number<std::int64_t>();
    }

    /// Every message sent arrived exactly once at each recipient it was for.
    static void expect_all_delivered(const json::object& result, std::int64_t messages,
                                     std::int64_t recipients_each) {
        EXPECT_EQ(number(result, "sent"), messages);
        EXPECT_EQ(number(result, "expected"), messages * recipients_each);
        EXPECT_EQ(number(result, "received"), messages * recipients_each);
        EXPECT_EQ(number(result, "lost"), 0);
        EXPECT_EQ(number(result, "duplicated"), 0);
        EXPECT_EQ(number(result, "misrouted"), 0);
    }

    TempDir dir_{"parley-bench-smoke"};
    std::unique_ptr<DaemonProcess> daemon_;
    int runs_ = 0;
};

TEST_F(BenchSmokeTest, PrivateClosedLoopDeliversEveryMessageOnce) {
    const auto result = run_bench({"--workload", "private", "--users", "20", "--messages", "200"});
    expect_all_delivered(result, 200, 1);
    EXPECT_EQ(number(result, "acks"), 200) << "parleyd acknowledges every private message";
}

TEST_F(BenchSmokeTest, PrivateOpenLoopDeliversEveryMessageOnce) {
    const auto result = run_bench({"--workload", "private", "--mode", "open", "--rate", "4000",
                                   "--users", "20", "--messages", "200"});
    expect_all_delivered(result, 200, 1);
}

TEST_F(BenchSmokeTest, GroupFanOutReachesEveryOtherMember) {
    const auto result = run_bench({"--workload", "group", "--groups", "2", "--members", "10",
                                   "--group-senders", "2", "--messages", "200"});
    expect_all_delivered(result, 200, 9);
    EXPECT_EQ(number(result, "self_echoes"), 0) << "parleyd does not echo a member's own message";
}

TEST_F(BenchSmokeTest, IdleConnectionsStayLoggedInAndServerMemoryIsRead) {
    const auto result = run_bench({"--workload", "idle", "--connections", "50", "--hold", "300ms",
                                   "--heartbeat-interval", "100ms", "--server-pid",
                                   std::to_string(daemon_->pid())});
    const auto& connections = result.at("connections").as_object();
    EXPECT_EQ(number(connections, "wanted"), 50);
    EXPECT_EQ(number(connections, "ready"), 50);
    EXPECT_EQ(number(connections, "dropped"), 0);
    const auto& server = result.at("server").as_object();
    EXPECT_GT(number(server, "rss_before_kib"), 0);
    EXPECT_GT(number(server, "rss_after_kib"), 0);
}

TEST_F(BenchSmokeTest, ConnectStormLogsEveryConnectionIn) {
    const auto result =
        run_bench({"--workload", "connect", "--connects", "20", "--connect-concurrency", "4"});
    const auto& connections = result.at("connections").as_object();
    EXPECT_EQ(number(connections, "ready"), 20);
    EXPECT_EQ(number(connections, "failed"), 0);
    EXPECT_EQ(number(result.at("login_latency_us").as_object(), "count"), 20);
}

TEST_F(BenchSmokeTest, TwoThreadsSplitThePrivateWorkload) {
    const auto result = run_bench(
        {"--workload", "private", "--users", "20", "--messages", "200", "--threads", "2"});
    expect_all_delivered(result, 200, 1);
}

/// The same daemon with a message log (in memory, so the test does not wait for a disk).
class BenchWithMessageLogTest : public BenchSmokeTest {
  protected:
    std::vector<std::filesystem::path> configs() const override {
        return {bench_config(), bench_config().parent_path() / "parleyd-bench-memory-log.yaml"};
    }
};

TEST_F(BenchWithMessageLogTest, DurablePrivateMessagesAreAllAcknowledgedAndDelivered) {
    const auto result =
        run_bench({"--workload", "private", "--users", "20", "--messages", "200", "--durable"});
    expect_all_delivered(result, 200, 1);
    EXPECT_EQ(number(result, "acks"), 200);
    EXPECT_EQ(number(result, "unacked"), 0);
}

TEST_F(BenchWithMessageLogTest, DurableGroupMessagesAreAllAcknowledgedAndDelivered) {
    const auto result = run_bench({"--workload", "group", "--groups", "2", "--members", "10",
                                   "--messages", "100", "--durable"});
    expect_all_delivered(result, 100, 9);
    EXPECT_EQ(number(result, "acks"), 100);
}

TEST_F(BenchWithMessageLogTest, SyncReplaysEveryMessageToTheUserWhoWasOffline) {
    // The login's round replays 1000; the rest come in rounds of 600 asked for with SYNC.
    const auto result = run_bench({"--workload", "sync", "--messages", "2500", "--senders", "2",
                                   "--window", "16", "--sync-limit", "600"});
    EXPECT_EQ(number(result, "sent"), 2500);
    EXPECT_EQ(number(result, "received"), 2500);
    EXPECT_EQ(number(result, "lost"), 0);
    EXPECT_EQ(number(result, "duplicated"), 0);
    EXPECT_EQ(number(result.at("sync").as_object(), "rounds"), 4);
}

/// The same daemon with a TLS and a WebSocket listener besides its TCP one.
class BenchOverEdgeTest : public BenchSmokeTest {
  protected:
    void SetUp() override {
        const std::string tls = "{certificate: \"" + certificates_.server.certificate.string() +
                                "\", key: \"" + certificates_.server.key.string() + "\"}";
        overlay_ = write_file(dir_.file("edge.yaml"),
                              "server:\n  listen:\n    - \"127.0.0.1:0\"\n"
                              "    - {address: \"127.0.0.1:0\", protocol: tls, tls: " +
                                  tls +
                                  "}\n"
                                  "    - {address: \"127.0.0.1:0\", protocol: ws}\n");
        BenchSmokeTest::SetUp();
    }

    std::vector<std::filesystem::path> configs() const override {
        return {bench_config(), overlay_};
    }

    std::string tls_endpoint() const { return daemon_->endpoints().at(1); }
    std::string ws_endpoint() const { return daemon_->endpoints().at(2); }

    TestCertificates certificates_{dir_.path()};
    std::filesystem::path overlay_;
};

TEST_F(BenchOverEdgeTest, TlsCarriesEveryMessageToItsRecipient) {
    const auto result = run_bench({"--transport", "tls", "--ca", certificates_.ca.string(),
                                   "--workload", "private", "--users", "20", "--messages", "200"},
                                  tls_endpoint());
    expect_all_delivered(result, 200, 1);
    EXPECT_EQ(number(result, "acks"), 200);
    const auto* tls = result.if_contains("tls");
    ASSERT_NE(tls, nullptr) << "the result names the TLS version and cipher";
    EXPECT_TRUE(tls->as_string().starts_with("TLSv1.")) << json::serialize(*tls);
}

TEST_F(BenchOverEdgeTest, WebSocketCarriesEveryMessageToItsRecipient) {
    const auto result = run_bench({"--transport", "ws", "--workload", "group", "--groups", "2",
                                   "--members", "5", "--messages", "100"},
                                  ws_endpoint());
    expect_all_delivered(result, 100, 4);
    EXPECT_EQ(number(result, "acks"), 100);
}

}  // namespace
}  // namespace parley::test
