// parley-rpc as a person or a script runs it: the real binary against a real parleyd hosting
// the echo service on its RPC listener, checked by what it prints and its exit status.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "integration/node_fixture.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kRpcToken = "rpc-token-0123456789";

std::filesystem::path build_dir() {
    const char* build = std::getenv("PARLEY_BUILD_DIR");
    if (build == nullptr) {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the test through ctest");
    }
    return build;
}

std::filesystem::path tool() {
    return build_dir() / "bin" / "parley-rpc";
}

class RpcCliTest : public NodeTest {
  protected:
    void start_with_rpc(const std::string& more_rpc = {}) {
        config.extra_yaml = "rpc: {listen: \"127.0.0.1:0\"" + more_rpc + "}\nservices: [echo]\n";
        start();
        ASSERT_FALSE(daemon->rpc_endpoint().empty()) << "no rpc= line in the ready file";
    }

    /// parley-rpc --server <the node's RPC listener> `args`.
    ToolRun rpc(std::vector<std::string> args) {
        args.insert(args.begin(), {"--server", daemon->rpc_endpoint()});
        return run_tool(tool(), args);
    }

    /// The same with `input` on stdin.
    ToolRun rpc_with_input(std::vector<std::string> args, const std::string& input) {
        args.insert(args.begin(), {"--server", daemon->rpc_endpoint()});
        const auto input_file = write_file(dir.file("stdin.json"), input);
        const auto log = dir.file("parley-rpc.log");
        const pid_t pid = spawn_logged(tool(), args, log, input_file);
        ToolRun run;
        run.status = wait_for_exit(pid, 10s).value_or(-1);
        run.output = read_file(log);
        return run;
    }
};

TEST_F(RpcCliTest, ListShowsTheHostedServicesAndAServicesMethods) {
    start_with_rpc();
    const ToolRun services = rpc({"list"});
    ASSERT_EQ(services.status, 0) << services.output;
    EXPECT_EQ(services.output, "parley.echo.v1.Echo\nparley.rpc.v1.Reflection\n");

    const ToolRun methods = rpc({"list", "parley.echo.v1.Echo"});
    ASSERT_EQ(methods.status, 0) << methods.output;
    EXPECT_EQ(methods.output,
              "parley.echo.v1.Echo/Say(parley.echo.v1.EchoRequest) returns "
              "(parley.echo.v1.EchoReply)\n");

    const ToolRun described = rpc({"describe", "parley.echo.v1.EchoRequest"});
    ASSERT_EQ(described.status, 0) << described.output;
    EXPECT_THAT(described.output, HasSubstr("uint32 fail_code = 3;"));
}

TEST_F(RpcCliTest, CallSendsJsonAndPrintsTheAnswerAsJson) {
    start_with_rpc();
    const ToolRun pretty = rpc({"call", "parley.echo.v1.Echo/Say", R"({"text":"hi"})"});
    ASSERT_EQ(pretty.status, 0) << pretty.output;
    EXPECT_THAT(pretty.output, HasSubstr(R"("text": "hi")"));
    EXPECT_THAT(pretty.output, HasSubstr(R"("nodeId": ")" + config.node_id + "\""));

    const ToolRun compact =
        rpc({"--compact", "call", "parley.echo.v1.Echo/Say", R"({"text":"one line"})"});
    ASSERT_EQ(compact.status, 0) << compact.output;
    EXPECT_EQ(compact.output, R"({"text":"one line","nodeId":")" + config.node_id + "\"}\n");

    const ToolRun piped = rpc_with_input(
        {"call", "parley.echo.v1.Echo/Say", "-d", "@-", "--compact"}, R"({"text": "from stdin"})");
    ASSERT_EQ(piped.status, 0) << piped.output;
    EXPECT_THAT(piped.output, HasSubstr(R"("text":"from stdin")"));
}

TEST_F(RpcCliTest, BadJsonExits2AndSaysWhatIsWrong) {
    start_with_rpc();
    const ToolRun broken = rpc({"call", "parley.echo.v1.Echo/Say", R"({"text":)"});
    EXPECT_EQ(broken.status, 2) << broken.output;
    EXPECT_THAT(broken.output, HasSubstr("bad JSON for parley.echo.v1.EchoRequest"));

    const ToolRun unknown_field = rpc({"call", "parley.echo.v1.Echo/Say", R"({"txt":"hi"})"});
    EXPECT_EQ(unknown_field.status, 2) << unknown_field.output;
    EXPECT_THAT(unknown_field.output, HasSubstr("txt"));
}

TEST_F(RpcCliTest, UnknownMethodOrServiceExits2NamingWhatExists) {
    start_with_rpc();
    const ToolRun method = rpc({"call", "parley.echo.v1.Echo/Shout", "{}"});
    EXPECT_EQ(method.status, 2) << method.output;
    EXPECT_THAT(method.output, HasSubstr("has no method 'Shout'"));
    EXPECT_THAT(method.output, HasSubstr("parley.echo.v1.Echo/Say"));

    const ToolRun service = rpc({"list", "parley.echo.v2.Echo"});
    EXPECT_EQ(service.status, 2) << service.output;
    EXPECT_THAT(service.output, HasSubstr("unknown service 'parley.echo.v2.Echo'"));
    EXPECT_THAT(service.output, HasSubstr("parley.rpc.v1.Reflection"));
}

TEST_F(RpcCliTest, AFailedCallExits1WithItsCode) {
    start_with_rpc();
    const ToolRun failed = rpc({"call", "parley.echo.v1.Echo/Say", R"({"failCode": 1001})"});
    EXPECT_EQ(failed.status, 1) << failed.output;
    EXPECT_THAT(failed.output, HasSubstr("error 1001 PERMISSION_DENIED: failed as asked"));

    const ToolRun late = rpc({"--timeout", "300ms", "call", "parley.echo.v1.Echo/Say",
                              R"({"text": "late", "delayMs": 5000})"});
    EXPECT_EQ(late.status, 1) << late.output;
    EXPECT_THAT(late.output, HasSubstr("error 6002 DEADLINE_EXCEEDED"));
}

TEST_F(RpcCliTest, TheListenersTokenIsSentAndAWrongOneExits1) {
    start_with_rpc(std::string(", token: \"") + kRpcToken + "\"");
    const ToolRun wrong =
        rpc({"--token", "not-the-token", "call", "parley.echo.v1.Echo/Say", R"({"text":"x"})"});
    EXPECT_EQ(wrong.status, 1) << wrong.output;
    EXPECT_THAT(wrong.output, HasSubstr("error 1000 LOGIN_FAILED"));

    const ToolRun right =
        rpc({"--token", kRpcToken, "call", "parley.echo.v1.Echo/Say", R"({"text":"x"})"});
    EXPECT_EQ(right.status, 0) << right.output;
}

TEST_F(RpcCliTest, AClientConfigsRegistryFindsTheInstances) {
    start_with_rpc();
    const std::string endpoint = "tcp://" + daemon->rpc_endpoint();
    const std::string instance = "[{id: n1, endpoints: [\"" + endpoint + "\"]}]";
    const auto client_yaml = write_file(
        dir.file("client.yaml"),
        "registry:\n  plugin: static\n  settings:\n    services: {parley.rpc.v1.Reflection: " +
            instance + ", parley.echo.v1.Echo: " + instance + "}\nplugin_paths: [\"" +
            (build_dir() / "lib" / "parley" / "plugins").string() + "\"]\n");
    const ToolRun call = run_tool(tool(), {"-c", client_yaml.string(), "--compact", "call",
                                           "parley.echo.v1.Echo/Say", R"({"text":"found"})"});
    ASSERT_EQ(call.status, 0) << call.output;
    EXPECT_THAT(call.output, HasSubstr(R"("text":"found")"));
}

TEST(RpcCliUsageTest, NoInstanceToReachExits3AndMistakesExit2) {
    // Port 1 on loopback: nothing listens there.
    const ToolRun unreachable = run_tool(tool(), {"--server", "127.0.0.1:1", "list"});
    EXPECT_EQ(unreachable.status, 3) << unreachable.output;
    EXPECT_THAT(unreachable.output, HasSubstr("error 6003 UNAVAILABLE"));

    const ToolRun nowhere = run_tool(tool(), {"list"});
    EXPECT_EQ(nowhere.status, 2) << nowhere.output;
    EXPECT_THAT(nowhere.output, HasSubstr("--server HOST:PORT or -c CLIENT.yaml"));

    const ToolRun help = run_tool(tool(), {"--help"});
    EXPECT_EQ(help.status, 0);
    EXPECT_THAT(help.output, HasSubstr("exit status"));
}

}  // namespace
}  // namespace parley::test
