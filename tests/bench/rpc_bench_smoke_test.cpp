// parley-rpc-bench, briefly, against a real parleyd hosting the echo service (and, where the
// build has gRPC, against parley-grpc-echo-server): calls must complete, every one of them
// answered with the text it sent, and the report must say so. Timings vary with the machine,
// so nothing here looks at the rates beyond their being there.
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
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

std::filesystem::path bin(const char* name) {
    return DaemonProcess::default_binary().parent_path() / name;
}

std::filesystem::path rpc_bench_config() {
    return std::filesystem::path{PARLEY_TEST_SOURCE_DIR} / "bench/config/parleyd-rpc-bench.yaml";
}

/// Runs parley-rpc-bench with `args` for about a second; returns its exit status, output and
/// JSON result.
struct BenchRun {
    ToolRun tool;
    json::object result;
};

BenchRun run_bench(const TempDir& dir, std::vector<std::string> args) {
    const auto result_file = dir.file("result.json");
    args.insert(args.end(), {"--concurrency", "16", "--size", "64", "--warmup", "0.2s",
                             "--duration", "1s", "--json", result_file.string()});
    BenchRun run{run_tool(bin("parley-rpc-bench"), args, 60s), {}};
    boost::system::error_code error;
    auto value = json::parse(read_file(result_file), error);
    if (error || !value.is_object()) {
        ADD_FAILURE() << "no JSON object from parley-rpc-bench:\n" << run.tool.output;
        return run;
    }
    run.result = value.as_object();
    return run;
}

/// Calls completed in the window, none failed, and the figures a report prints are there.
void expect_calls_without_errors(const BenchRun& run, const char* target) {
    ASSERT_EQ(run.tool.status, 0) << run.tool.output;
    ASSERT_FALSE(run.result.empty());
    const json::object& result = run.result;
    EXPECT_EQ(result.at("target").as_string(), target);
    EXPECT_TRUE(result.at("ok").as_bool()) << json::serialize(result);
    EXPECT_GT(result.at("calls").to_number<std::int64_t>(), 0);
    EXPECT_EQ(result.at("errors").to_number<std::int64_t>(), 0) << json::serialize(result);
    EXPECT_GT(result.at("calls_per_s").to_number<double>(), 0);
    const json::object& latency = result.at("latency_us").as_object();
    EXPECT_GT(latency.at("p50").to_number<double>(), 0);
    EXPECT_GE(latency.at("p99").to_number<double>(), latency.at("p50").to_number<double>());
    // --server-pid was given: the server's CPU over the window is reported.
    EXPECT_TRUE(result.contains("server_cpu_share")) << json::serialize(result);
}

TEST(RpcBenchSmokeTest, CallsParleydsEchoServiceWithoutErrors) {
    DaemonOptions options;
    options.configs = {rpc_bench_config()};
    DaemonProcess daemon(options);
    ASSERT_FALSE(daemon.rpc_endpoint().empty()) << "no rpc= line in the ready file";
    TempDir dir;
    const BenchRun run = run_bench(dir, {"--target", "parley", "--endpoint", daemon.rpc_endpoint(),
                                         "--server-pid", std::to_string(daemon.pid())});
    expect_calls_without_errors(run, "parley");
    EXPECT_NE(run.tool.output.find("0 errors"), std::string::npos) << run.tool.output;
}

TEST(RpcBenchSmokeTest, CountsFailedCallsAndExitsWithOne) {
    // parleyd with its RPC listener, but no service: every call is answered UNKNOWN_SERVICE.
    TempDir dir;
    const auto no_services = write_file(dir.file("no-services.yaml"), "services: []\n");
    DaemonOptions options;
    options.configs = {rpc_bench_config(), no_services};
    DaemonProcess daemon(options);
    const BenchRun run = run_bench(dir, {"--endpoint", daemon.rpc_endpoint()});
    EXPECT_EQ(run.tool.status, 1) << run.tool.output;
    ASSERT_FALSE(run.result.empty());
    EXPECT_FALSE(run.result.at("ok").as_bool());
    EXPECT_EQ(run.result.at("calls").to_number<std::int64_t>(), 0);
    EXPECT_GT(run.result.at("errors").to_number<std::int64_t>(), 0);
    EXPECT_NE(run.result.at("first_error").as_string().find("parley.echo.v1.Echo"),
              std::string::npos)
        << json::serialize(run.result);
}

TEST(RpcBenchSmokeTest, RefusesACommandLineWithoutEndpoint) {
    const ToolRun run = run_tool(bin("parley-rpc-bench"), {"--duration", "1s"});
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_NE(run.output.find("--endpoint is required"), std::string::npos) << run.output;
}

#ifdef PARLEY_TEST_GRPC_BENCH
/// parley-grpc-echo-server on a port of its choosing, stopped by its pid.
class GrpcEchoServer {
  public:
    explicit GrpcEchoServer(const TempDir& dir) : log_(dir.file("grpc-echo-server.log")) {
        pid_ = spawn_logged(bin("parley-grpc-echo-server"), {"--listen", "127.0.0.1:0"}, log_);
        const auto give_up = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < give_up) {
            const std::string text = read_file(log_);
            if (const auto at = text.find("listening on "); at != std::string::npos) {
                const auto end = text.find('\n', at);
                if (end != std::string::npos) {
                    endpoint_ = text.substr(at + 13, end - at - 13);
                    return;
                }
            }
            std::this_thread::sleep_for(20ms);
        }
    }
    ~GrpcEchoServer() {
        ::kill(pid_, SIGTERM);
        if (!wait_for_exit(pid_, 10s)) {
            ::kill(pid_, SIGKILL);
            wait_for_exit(pid_, 5s);
        }
    }
    GrpcEchoServer(const GrpcEchoServer&) = delete;
    GrpcEchoServer& operator=(const GrpcEchoServer&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& endpoint() const { return endpoint_; }
    std::string log() const { return read_file(log_); }

  private:
    std::filesystem::path log_;
    pid_t pid_ = -1;
    std::string endpoint_;
};

TEST(RpcBenchSmokeTest, CallsTheGrpcEchoServerWithoutErrors) {
    TempDir dir;
    GrpcEchoServer server(dir);
    ASSERT_FALSE(server.endpoint().empty()) << server.log();
    const BenchRun run = run_bench(dir, {"--target", "grpc", "--endpoint", server.endpoint(),
                                         "--server-pid", std::to_string(server.pid())});
    expect_calls_without_errors(run, "grpc");
}
#endif

}  // namespace
}  // namespace parley::test
