// The HTTP API end to end: a real parleyd hosting the echo service, called by curl through the
// admin listener's POST /api/v1/<service>/<Method>, with answers in the {code, msg, data} shape.
#include <regex>

#include "integration/node_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace parley::test {
namespace {

constexpr const char* kToken = "admin-token-0123456789";

struct ApiReply {
    int status = 0;  ///< HTTP status
    long code = -1;  ///< the body's `code`
    std::string body;
};

class HttpApiTest : public NodeTest {
  protected:
    void start_api(bool with_token = true, const std::string& more_rpc = {}) {
        config.extra_yaml = std::string{"admin: {listen: \"127.0.0.1:0\""} +
                            (with_token ? std::string{", token: "} + kToken : "") + "}\n" +
                            "rpc: {listen: \"127.0.0.1:0\"" + more_rpc + "}\nservices: [echo]\n";
        start();
        ASSERT_FALSE(daemon->admin_endpoint().empty());
    }

    /// curl -X METHOD http://admin/PATH with `body`, and the bearer token unless `token` is "".
    ApiReply curl(const std::string& path, const std::string& body,
                  const std::string& token = kToken, const std::string& method = "POST") {
        std::vector<std::string> args{
            "-sS", "-X", method, "-w", "\n%{http_code}", "-H", "Content-Type: application/json"};
        if (!token.empty()) {
            args.insert(args.end(), {"-H", "Authorization: Bearer " + token});
        }
        if (!body.empty()) {
            args.insert(args.end(), {"--data-binary", body});
        }
        args.push_back("http://" + daemon->admin_endpoint() + path);
        const ToolRun run = run_tool("/usr/bin/curl", args);
        EXPECT_EQ(run.status, 0) << "curl failed (is curl installed? scripts/install-deps.sh "
                                    "--services installs it): "
                                 << run.output;
        ApiReply reply;
        const auto last_line = run.output.rfind('\n');
        if (last_line == std::string::npos) {
            return reply;
        }
        reply.status = std::atoi(run.output.c_str() + last_line + 1);
        reply.body = run.output.substr(0, last_line);
        std::smatch code;
        if (std::regex_search(reply.body, code, std::regex(R"(^\{"code":(\d+),)"))) {
            reply.code = std::stol(code[1].str());
        }
        return reply;
    }
};

TEST_F(HttpApiTest, APostCallsTheMethodAndAnswersInTheResultShape) {
    start_api();
    const ApiReply reply = curl("/api/v1/parley.echo.v1.Echo/Say", R"({"text": "over http"})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.code, 0) << reply.body;
    EXPECT_NE(reply.body.find(R"("data":{"text":"over http","nodeId":")" + config.node_id),
              std::string::npos)
        << reply.body;
}

TEST_F(HttpApiTest, WithoutTheTokenACallIsRefused) {
    start_api();
    const ApiReply missing = curl("/api/v1/parley.echo.v1.Echo/Say", "{}", "");
    EXPECT_EQ(missing.status, 401) << missing.body;
    EXPECT_EQ(missing.code, 1000) << missing.body;
    const ApiReply wrong = curl("/api/v1/parley.echo.v1.Echo/Say", "{}", "not-the-token-at-all");
    EXPECT_EQ(wrong.status, 401) << wrong.body;
    EXPECT_EQ(wrong.code, 1000) << wrong.body;
}

TEST_F(HttpApiTest, WithNoAdminTokenConfiguredTheApiIsOff) {
    start_api(false);
    const ApiReply reply = curl("/api/v1/parley.echo.v1.Echo/Say", "{}", "");
    EXPECT_EQ(reply.status, 403) << reply.body;
    EXPECT_EQ(reply.code, 1001) << reply.body;
}

TEST_F(HttpApiTest, UnknownServiceMethodAndBadJsonGetTheirCodes) {
    start_api();
    const ApiReply service = curl("/api/v1/parley.echo.v1.Nope/Say", "{}");
    EXPECT_EQ(service.status, 404) << service.body;
    EXPECT_EQ(service.code, 6000) << service.body;
    const ApiReply method = curl("/api/v1/parley.echo.v1.Echo/Shout", "{}");
    EXPECT_EQ(method.status, 404) << method.body;
    EXPECT_EQ(method.code, 6001) << method.body;
    const ApiReply json = curl("/api/v1/parley.echo.v1.Echo/Say", R"({"text": )");
    EXPECT_EQ(json.status, 400) << json.body;
    EXPECT_EQ(json.code, 3003) << json.body;
    const ApiReply field = curl("/api/v1/parley.echo.v1.Echo/Say", R"({"colour": "red"})");
    EXPECT_EQ(field.code, 3003) << field.body;
    const ApiReply get = curl("/api/v1/parley.echo.v1.Echo/Say", "", kToken, "GET");
    EXPECT_EQ(get.status, 405) << get.body;
}

TEST_F(HttpApiTest, AServicesFailureAndATimeOutKeepTheirCodes) {
    start_api(true, ", default_timeout: 300ms");
    const ApiReply failed = curl("/api/v1/parley.echo.v1.Echo/Say", R"({"failCode": 1001})");
    EXPECT_EQ(failed.status, 403) << failed.body;
    EXPECT_EQ(failed.code, 1001) << failed.body;
    const ApiReply slow = curl("/api/v1/parley.echo.v1.Echo/Say", R"({"delayMs": 3000})");
    EXPECT_EQ(slow.status, 504) << slow.body;
    EXPECT_EQ(slow.code, 6002) << slow.body;
    // The node still serves.
    EXPECT_EQ(curl("/api/v1/parley.echo.v1.Echo/Say", R"({"text": "x"})").code, 0);
}

TEST_F(HttpApiTest, CallsAreCountedByMethodAndCodeInMetrics) {
    start_api();
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(curl("/api/v1/parley.echo.v1.Echo/Say", R"({"text": "x"})").code, 0);
    }
    ASSERT_EQ(curl("/api/v1/parley.echo.v1.Echo/Say", R"({"failCode": 1003})").code, 1003);
    // And one over the RPC listener itself, with a made-up method: counted under "-".
    RawClient rpc;
    ASSERT_TRUE(rpc.connect(daemon->rpc_endpoint()));
    wire::RpcRequest request;
    request.set_call_id(1);
    request.set_method("parley.echo.v1.Echo/Invented");
    ASSERT_TRUE(rpc.send_frame(FrameType::rpc, kNoUser, kNoUser, request));
    ASSERT_TRUE(rpc.read_frame().has_value());

    const auto exposed = http_get(daemon->admin_endpoint(), "/metrics", kToken);
    ASSERT_TRUE(exposed.has_value());
    const std::string& text = exposed->body;
    EXPECT_EQ(
        metric_value(
            text, R"(parley_rpc_calls_total{method="parley.echo.v1.Echo/Say",code="0",name="OK"})"),
        2.0)
        << text;
    EXPECT_EQ(
        metric_value(
            text,
            R"(parley_rpc_calls_total{method="parley.echo.v1.Echo/Say",code="1003",name="RECIPIENT_UNAVAILABLE"})"),
        1.0);
    EXPECT_EQ(metric_value(
                  text, R"(parley_rpc_calls_total{method="-",code="6001",name="UNKNOWN_METHOD"})"),
              1.0);
    EXPECT_EQ(
        metric_value(text,
                     R"(parley_rpc_call_duration_seconds_count{method="parley.echo.v1.Echo/Say"})"),
        3.0);
    EXPECT_EQ(metric_value(text, "parley_rpc_connections_open"), 1.0);
}

}  // namespace
}  // namespace parley::test
