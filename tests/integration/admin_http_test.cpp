// The admin HTTP listener end to end: a real parleyd with `admin:` set, real clients, real
// HTTP over loopback, and (for readiness) a redis-server of the test's own that it stops.
#include <cstdlib>
#include <fstream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "integration/node_fixture.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/kafka_mock.hpp"
#include "support/redis_server.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "admin-token-0123456789";

class AdminHttpTest : public NodeTest {
  protected:
    void start_with_admin(const std::string& more_admin = {}) {
        config.extra_yaml =
            "admin: {listen: \"127.0.0.1:0\", token: " + std::string{kToken} + more_admin + "}\n";
        start();
        ASSERT_FALSE(daemon->admin_endpoint().empty()) << "no admin= line in the ready file";
    }

    /// Starts the node with `backend_yaml` (a backend section of its own) laid over the
    /// standalone configuration, and an admin listener without a token.
    void start_with_backend(const std::string& backend_yaml) {
        const auto overlay = dir.path() / "backend.yaml";
        std::ofstream(overlay) << backend_yaml << "admin: {listen: \"127.0.0.1:0\"}\n";
        const auto base = write_standalone_config(dir.path() / "node.yaml", config);
        DaemonOptions options;
        options.configs = {base, overlay};
        daemon = std::make_unique<DaemonProcess>(options);
    }

    std::string metrics() {
        const auto reply = http_get(daemon->admin_endpoint(), "/metrics", kToken);
        EXPECT_TRUE(reply.has_value());
        EXPECT_EQ(reply ? reply->status : 0, 200);
        return reply ? reply->body : std::string{};
    }

    double metric(const std::string& series) {
        const auto value = metric_value(metrics(), series);
        EXPECT_TRUE(value.has_value()) << series << " is not exposed";
        return value.value_or(-1);
    }

    /// Polls until `series` has `expected`, for values set as clients come and go.
    bool metric_becomes(const std::string& series, double expected) {
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (metric_value(metrics(), series) == expected) {
                return true;
            }
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }

    /// Polls /readyz until it answers `status`.
    std::optional<HttpReply> ready_becomes(int status) {
        const auto deadline = std::chrono::steady_clock::now() + 15s;
        std::optional<HttpReply> reply;
        while (std::chrono::steady_clock::now() < deadline) {
            reply = http_get(daemon->admin_endpoint(), "/readyz");
            if (reply && reply->status == status) {
                return reply;
            }
            std::this_thread::sleep_for(100ms);
        }
        return reply;
    }
};

TEST_F(AdminHttpTest, AdminIsOffUnlessConfigured) {
    start();
    EXPECT_TRUE(daemon->admin_endpoint().empty());
}

TEST_F(AdminHttpTest, HealthAndReadinessAnswerInTheResultShape) {
    start_with_admin();
    const auto health = http_get(daemon->admin_endpoint(), "/healthz");
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, 200);
    EXPECT_NE(health->head.find("Content-Type: application/json"), std::string::npos);
    EXPECT_EQ(health->body,
              "{\"code\":0,\"msg\":\"alive\",\"data\":{\"checks\":{\"loop 0\":\"ok\",\"loop "
              "1\":\"ok\"}}}\n");

    const auto ready = http_get(daemon->admin_endpoint(), "/readyz");
    ASSERT_TRUE(ready.has_value());
    EXPECT_EQ(ready->status, 200);
    EXPECT_NE(ready->body.find("\"code\":0,\"msg\":\"ready\""), std::string::npos) << ready->body;
    for (const char* check : {"store", "registry", "transport", "announced"}) {
        EXPECT_NE(ready->body.find("\"" + std::string{check} + "\":\"ok\""), std::string::npos)
            << check << " in " << ready->body;
    }
    // Health checks need no token; every request is logged with its code and duration.
    EXPECT_TRUE(daemon->wait_for_log("GET /readyz -> 200 0 OK in ", 5s));
}

TEST_F(AdminHttpTest, UnknownRoutesAndMethodsGetTheResultShape) {
    start_with_admin();
    const auto missing = http_get(daemon->admin_endpoint(), "/nothing/here");
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(missing->body, "{\"code\":3001,\"msg\":\"no such route\",\"data\":null}\n");

    const auto posted = http_exchange(daemon->admin_endpoint(),
                                      "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: "
                                      "2\r\nConnection: close\r\n\r\n{}");
    ASSERT_TRUE(posted.has_value());
    EXPECT_EQ(posted->status, 405);
    EXPECT_NE(posted->head.find("Allow: GET"), std::string::npos);
    EXPECT_NE(posted->body.find("\"code\":3001"), std::string::npos);
}

TEST_F(AdminHttpTest, MetricsNeedTheBearerToken) {
    start_with_admin();
    for (const std::string token : {"", "admin-token-0123456780", "admin-token-01234567890"}) {
        const auto refused = http_get(daemon->admin_endpoint(), "/metrics", token);
        ASSERT_TRUE(refused.has_value());
        EXPECT_EQ(refused->status, 401) << "token '" << token << "'";
        EXPECT_NE(refused->body.find("\"code\":1000"), std::string::npos);
        EXPECT_NE(refused->head.find("WWW-Authenticate: Bearer"), std::string::npos);
    }
    const auto served = http_get(daemon->admin_endpoint(), "/metrics", kToken);
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(served->status, 200);
    EXPECT_NE(served->head.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
}

TEST_F(AdminHttpTest, MetricsFollowClientActivity) {
    config.handshake_settings = {"auth: static", "tokens: {1: right, 2: right}"};
    start_with_admin();
    EXPECT_EQ(metric("parley_logins_total"), 0);
    EXPECT_EQ(metric("parley_connections_open"), 0);

    auto alice = connect();
    const auto alice_in = alice->handshake(1, "right");
    ASSERT_TRUE(alice_in && alice_in->type() == FrameType::handshake);
    auto bob = connect();
    const auto bob_in = bob->handshake(2, "right");
    ASSERT_TRUE(bob_in && bob_in->type() == FrameType::handshake);
    auto mallory = connect();
    const auto refused = mallory->handshake(1, "wrong");
    ASSERT_TRUE(refused && refused->type() == FrameType::error);

    for (std::uint64_t id = 1; id <= 3; ++id) {
        ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 2, chat(id, "hi")));
        ASSERT_TRUE(acked(*alice, id));
        ASSERT_TRUE(read_until(*bob, FrameType::private_message).has_value());
    }
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, 99, chat(4, "anyone?")));
    ASSERT_TRUE(alice->expect_error(ErrorCode::recipient_unavailable));

    const std::string text = metrics();
    EXPECT_EQ(metric_value(text, "parley_logins_total"), 2);
    EXPECT_EQ(
        metric_value(text, "parley_login_failures_total{code=\"1000\",name=\"LOGIN_FAILED\"}"), 1);
    EXPECT_EQ(metric_value(text, "parley_connections_open"), 3);
    EXPECT_EQ(metric_value(text, "parley_users_online"), 2);
    EXPECT_EQ(metric_value(text, "parley_frames_received_total{type=\"handshake\"}"), 3);
    EXPECT_EQ(metric_value(text, "parley_frames_received_total{type=\"private_message\"}"), 4);
    EXPECT_EQ(metric_value(text, "parley_frames_sent_total{type=\"private_message\"}"), 3);
    EXPECT_EQ(metric_value(text, "parley_frames_sent_total{type=\"ack\"}"), 3);
    EXPECT_EQ(metric_value(
                  text, "parley_errors_sent_total{code=\"1003\",name=\"RECIPIENT_UNAVAILABLE\"}"),
              1);
    EXPECT_EQ(metric_value(text, "parley_errors_sent_total{code=\"1000\",name=\"LOGIN_FAILED\"}"),
              1);
    EXPECT_EQ(metric_value(text, "parley_refusals_total{reason=\"failed_login\"}"), 1);
    EXPECT_TRUE(metric_value(text, "parley_write_queue_bytes").has_value());

    alice.reset();
    bob.reset();
    mallory.reset();
    EXPECT_TRUE(metric_becomes("parley_connections_open", 0));
    EXPECT_TRUE(metric_becomes("parley_users_online", 0));
}

TEST_F(AdminHttpTest, ExpositionPassesPromtool) {
    std::filesystem::path promtool = "/usr/bin/promtool";
    if (!std::filesystem::exists(promtool)) {
        // Like every tool the tests use, promtool is installed by scripts/install-deps.sh
        // --services; a missing one is a failure, never a skipped check.
        FAIL() << "promtool is missing: run scripts/install-deps.sh --services (Debian package "
                  "prometheus)";
    }
    start_with_admin();
    auto alice = login(1);
    ASSERT_TRUE(still_serves(*alice));
    const auto file = dir.path() / "metrics.txt";
    std::ofstream(file) << metrics();
    const auto log = dir.path() / "promtool.log";
    const pid_t pid = spawn_logged(promtool, {"check", "metrics"}, log, file);
    const auto status = wait_for_exit(pid, 10s);
    std::ifstream in(log);
    const std::string output{std::istreambuf_iterator<char>(in), {}};
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "") << "promtool lint findings";
}

TEST_F(AdminHttpTest, ReadinessFollowsTheKafkaBrokers) {
    KafkaMock kafka;
    start_with_backend("transport: {plugin: kafka, settings: {brokers: \"" + kafka.bootstrap() +
                       "\", topic_prefix: \"admin-test.\", group_prefix: \"admin-test.\", "
                       "message_timeout: 2s}}\n");
    ASSERT_TRUE(ready_becomes(200).has_value());

    for (int broker = 1; broker <= 3; ++broker) {
        kafka.broker_down(broker);
    }
    const auto down = ready_becomes(503);
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->status, 503) << down->body;
    EXPECT_NE(down->body.find("\"code\":2000,\"msg\":\"not ready: transport\""), std::string::npos)
        << down->body;

    for (int broker = 1; broker <= 3; ++broker) {
        kafka.broker_up(broker);
    }
    const auto back = ready_becomes(200);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->status, 200) << back->body;
}

// The example alerting rules of docs/operations.md are valid Prometheus rules.
TEST(OperationsDocs, ExampleAlertRulesPassPromtool) {
    const std::filesystem::path promtool = "/usr/bin/promtool";
    ASSERT_TRUE(std::filesystem::exists(promtool))
        << "promtool is missing: run scripts/install-deps.sh --services (Debian package "
           "prometheus)";
    const std::filesystem::path rules =
        std::filesystem::path(PARLEY_TEST_SOURCE_DIR) / "docs/operations/parley-alerts.yml";
    const ToolRun run = run_tool(promtool, {"check", "rules", rules.string()});
    EXPECT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("SUCCESS: 8 rules found"), std::string::npos) << run.output;
}

TEST_F(AdminHttpTest, ReadinessFollowsTheStoresRedis) {
    RedisServer redis;
    start_with_backend("store: {plugin: redis, settings: {address: \"" + redis.endpoint() +
                       "\", key_prefix: \"admin-test:\", connect_timeout: 500ms, "
                       "command_timeout: 500ms}}\n");
    ASSERT_TRUE(ready_becomes(200).has_value());

    redis.stop();
    const auto down = ready_becomes(503);
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->status, 503);
    EXPECT_NE(down->body.find("\"code\":2000,\"msg\":\"not ready: store\""), std::string::npos)
        << down->body;
    EXPECT_NE(down->body.find("\"announced\":\"ok\""), std::string::npos) << down->body;
    const auto health = http_get(daemon->admin_endpoint(), "/healthz");
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, 200) << "a backend outage is not a dead process";

    redis.restart();
    const auto back = ready_becomes(200);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->status, 200) << back->body;

    // The store's calls are timed: a login is one claim.
    auto alice = login(1);
    const std::string claims =
        "parley_backend_call_seconds_count{backend=\"store\","
        "plugin=\"redis\",call=\"claim\"}";
    const auto counted = metric_value(http_get(daemon->admin_endpoint(), "/metrics")->body, claims);
    EXPECT_EQ(counted, 1) << claims;
}

TEST_F(AdminHttpTest, GarbageAndOversizeRequestsGetFourHundreds) {
    start_with_admin(", max_request_size: 4KiB");
    const auto garbage = http_exchange(daemon->admin_endpoint(), "\x16\x03\x01 hello\r\n\r\n");
    ASSERT_TRUE(garbage.has_value());
    EXPECT_EQ(garbage->status, 400);
    EXPECT_NE(garbage->body.find("\"code\":3000"), std::string::npos) << garbage->body;

    const auto big_head =
        http_exchange(daemon->admin_endpoint(),
                      "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(6000, 'a') + "\r\n\r\n");
    ASSERT_TRUE(big_head.has_value());
    EXPECT_EQ(big_head->status, 431);
    EXPECT_EQ(big_head->body, "{\"code\":3002,\"msg\":\"request head too large\",\"data\":null}\n");

    const auto big_body = http_exchange(
        daemon->admin_endpoint(),
        "POST /healthz HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + std::string(5000, 'x'));
    ASSERT_TRUE(big_body.has_value());
    EXPECT_EQ(big_body->status, 413);
    EXPECT_NE(big_body->body.find("\"code\":3002"), std::string::npos) << big_body->body;

    const auto health = http_get(daemon->admin_endpoint(), "/healthz");
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, 200);
}

TEST_F(AdminHttpTest, SlowRequestsAreCutOffAtTheRequestTimeout) {
    start_with_admin(", request_timeout: 500ms");
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    const std::string& endpoint = daemon->admin_endpoint();
    const auto colon = endpoint.rfind(':');
    socket.connect({boost::asio::ip::make_address(endpoint.substr(0, colon)),
                    static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))});
    boost::asio::write(socket, boost::asio::buffer(std::string{"GET /healthz HTTP/1.1\r\nX: "}));
    // A byte every 100 ms keeps a per-read timer happy forever; the request's one deadline
    // must end it.
    socket.non_blocking(true);
    bool closed = false;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!closed && std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        socket.write_some(boost::asio::buffer("a", 1), ec);
        char byte = 0;
        socket.read_some(boost::asio::buffer(&byte, 1), ec);
        closed = ec && ec != boost::asio::error::would_block;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_TRUE(closed) << "a request trickling in for 10 s was still being read";
    const auto health = http_get(daemon->admin_endpoint(), "/healthz");
    ASSERT_TRUE(health.has_value());
    EXPECT_EQ(health->status, 200);
}

TEST_F(AdminHttpTest, ConnectionsOverTheLimitGetServerBusy) {
    start_with_admin(", max_connections: 2");
    boost::asio::io_context io;
    const std::string& endpoint = daemon->admin_endpoint();
    const auto colon = endpoint.rfind(':');
    const boost::asio::ip::tcp::endpoint address{
        boost::asio::ip::make_address(endpoint.substr(0, colon)),
        static_cast<unsigned short>(std::stoi(endpoint.substr(colon + 1)))};
    boost::asio::ip::tcp::socket first(io);
    boost::asio::ip::tcp::socket second(io);
    first.connect(address);
    second.connect(address);
    std::this_thread::sleep_for(200ms);  // both accepted and waiting for their requests
    const auto busy = http_get(endpoint, "/healthz");
    ASSERT_TRUE(busy.has_value());
    EXPECT_EQ(busy->status, 503);
    EXPECT_NE(busy->body.find("\"code\":5004"), std::string::npos) << busy->body;

    first.close();
    second.close();
    std::optional<HttpReply> served;
    for (int attempt = 0; attempt < 50 && (!served || served->status != 200); ++attempt) {
        std::this_thread::sleep_for(50ms);
        served = http_get(endpoint, "/healthz");
    }
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(served->status, 200);
}

TEST_F(AdminHttpTest, ConfigurationMistakesNameTheKey) {
    const auto check = [&](const std::string& admin) {
        config.extra_yaml = admin;
        const auto path = write_standalone_config(dir.path() / "bad.yaml", config);
        return DaemonProcess::run_to_completion({"-c", path.string(), "--check-config"});
    };
    auto run = check("admin: {listen: \"no-port\"}\n");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.output.find("bad listen address 'no-port'"), std::string::npos) << run.output;

    run = check("admin: {listen: \"127.0.0.1:0\", token: short}\n");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.output.find("admin.token must be at least 16 characters"), std::string::npos)
        << run.output;
    EXPECT_EQ(run.output.find("short"), std::string::npos) << "the token must not be echoed";

    run = check("admin: {listen: \"127.0.0.1:0\", max_conections: 3}\n");
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_NE(run.output.find("did you mean 'max_connections'"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace parley::test
