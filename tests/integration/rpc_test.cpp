// Remote procedure calls end to end: real parleyd processes hosting the echo service plugin on
// their RPC listeners, called through the client library's RpcChannel and, for what the wire
// must do on its own, with raw frames.
#include <future>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/stubs/callback.h>

#include <parley/client/rpc_channel.hpp>

#include "integration/node_fixture.hpp"
#include "parley/echo/v1/echo.pb.h"
#include "parley/rpc/v1/reflection.pb.h"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using echo::v1::EchoReply;
using echo::v1::EchoRequest;

constexpr const char* kRpcToken = "rpc-token-0123456789";

/// An io_context on a thread of its own, for channels.
class ClientLoop {
  public:
    ClientLoop() : thread_([this] { io_.run(); }) {}
    ~ClientLoop() {
        work_.reset();
        io_.stop();
        thread_.join();
    }
    ClientLoop(const ClientLoop&) = delete;
    ClientLoop& operator=(const ClientLoop&) = delete;

    asio::any_io_executor executor() { return io_.get_executor(); }

  private:
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    std::thread thread_;
};

EchoRequest echo_request(const std::string& text, std::uint32_t delay_ms = 0,
                         ErrorCode fail = ErrorCode::ok) {
    EchoRequest request;
    request.set_text(text);
    request.set_delay_ms(delay_ms);
    request.set_fail_code(static_cast<std::uint32_t>(fail));
    return request;
}

wire::RpcRequest raw_request(std::uint64_t id, const std::string& method,
                             const std::string& payload, std::uint32_t timeout_ms = 0) {
    wire::RpcRequest request;
    request.set_call_id(id);
    request.set_method(method);
    request.set_payload(payload);
    request.set_timeout_ms(timeout_ms);
    return request;
}

std::optional<wire::RpcResponse> read_answer(RawClient& client,
                                             std::chrono::milliseconds timeout = 5s) {
    const auto frame = client.read_frame(timeout);
    wire::RpcResponse response;
    if (!frame || frame->raw_type() != static_cast<std::uint8_t>(FrameType::rpc) ||
        !frame->parse_body(response)) {
        return std::nullopt;
    }
    return response;
}

class RpcTest : public NodeTest {
  protected:
    void start_with_rpc(const std::string& more_rpc = {}) {
        config.extra_yaml = "rpc: {listen: \"127.0.0.1:0\"" + more_rpc + "}\nservices: [echo]\n";
        start();
        ASSERT_FALSE(daemon->rpc_endpoint().empty()) << "no rpc= line in the ready file";
    }

    client::RpcChannel channel(client::RpcChannelOptions options = {}) {
        return client::RpcChannel(loop.executor(), client::fixed_targets({daemon->rpc_endpoint()}),
                                  options);
    }

    std::unique_ptr<RawClient> raw() {
        auto client = std::make_unique<RawClient>();
        EXPECT_TRUE(client->connect(daemon->rpc_endpoint()));
        return client;
    }

    ClientLoop loop;
};

TEST_F(RpcTest, AStubCallReachesTheServiceAndComesBack) {
    start_with_rpc();
    auto rpc = channel();
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    const EchoRequest request = echo_request("hello");
    EchoReply reply;
    stub.Say(&call, &request, &reply, nullptr);
    ASSERT_FALSE(call.Failed()) << call.ErrorText();
    EXPECT_EQ(reply.text(), "hello");
    EXPECT_EQ(reply.node_id(), config.node_id);
}

TEST_F(RpcTest, ManyCallsInFlightOnOneConnectionAreEachAnsweredOnce) {
    start_with_rpc();
    auto rpc = channel();
    echo::v1::Echo_Stub stub(&rpc);
    constexpr int kCalls = 200;
    struct Slot {
        RpcCall call;
        EchoRequest request;
        EchoReply reply;
    };
    std::vector<Slot> slots(kCalls);
    std::promise<void> all_done;
    std::atomic<int> left{kCalls};
    for (int i = 0; i < kCalls; ++i) {
        // Later calls finish first: answers leave the server out of order.
        slots[i].request = echo_request("call " + std::to_string(i), (kCalls - i) % 7 * 10);
        stub.Say(&slots[i].call, &slots[i].request, &slots[i].reply,
                 google::protobuf::NewCallback(
                     +[](std::atomic<int>* count, std::promise<void>* p) {
                         if (--*count == 0) {
                             p->set_value();
                         }
                     },
                     &left, &all_done));
    }
    ASSERT_EQ(all_done.get_future().wait_for(20s), std::future_status::ready);
    for (int i = 0; i < kCalls; ++i) {
        ASSERT_FALSE(slots[i].call.Failed()) << i << ": " << slots[i].call.ErrorText();
        EXPECT_EQ(slots[i].reply.text(), "call " + std::to_string(i));
    }
}

TEST_F(RpcTest, AFailureKeepsItsCodeOfTheOneTable) {
    start_with_rpc();
    auto rpc = channel();
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    const EchoRequest request = echo_request("no", 0, ErrorCode::permission_denied);
    EchoReply reply;
    stub.Say(&call, &request, &reply, nullptr);
    EXPECT_TRUE(call.Failed());
    EXPECT_EQ(call.code(), ErrorCode::permission_denied);
    EXPECT_NE(call.ErrorText().find("failed as asked"), std::string::npos) << call.ErrorText();
}

TEST_F(RpcTest, ACallPastItsTimeOutEndsWithDeadlineExceeded) {
    start_with_rpc();
    auto rpc = channel();
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    call.set_timeout(200ms);
    const EchoRequest request = echo_request("slow", 3000);
    EchoReply reply;
    const auto started = std::chrono::steady_clock::now();
    stub.Say(&call, &request, &reply, nullptr);
    EXPECT_EQ(call.code(), ErrorCode::deadline_exceeded) << call.ErrorText();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);

    // The connection still serves.
    RpcCall next;
    const EchoRequest quick = echo_request("quick");
    stub.Say(&next, &quick, &reply, nullptr);
    EXPECT_FALSE(next.Failed()) << next.ErrorText();
}

TEST_F(RpcTest, TheServerAnswersDeadlineExceededWhenTheCallersTimeOutPasses) {
    start_with_rpc();
    auto client = raw();
    ASSERT_TRUE(
        client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                           raw_request(7, "parley.echo.v1.Echo/Say",
                                       echo_request("late", 3000).SerializeAsString(), 150)));
    const auto answer = read_answer(*client, 2s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->call_id(), 7U);
    EXPECT_EQ(answer->code(), static_cast<std::uint32_t>(ErrorCode::deadline_exceeded));
}

TEST_F(RpcTest, UnknownServiceMethodAndBadBodyAreAnsweredWithTheirCodes) {
    start_with_rpc();
    auto client = raw();
    const std::string good = echo_request("x").SerializeAsString();
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(1, "parley.echo.v1.Nope/Say", good)));
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(2, "parley.echo.v1.Echo/Shout", good)));
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(3, "parley.echo.v1.Echo/Say", "\xff\xff\xff")));
    ASSERT_TRUE(
        client->send_frame(FrameType::rpc, kNoUser, kNoUser, raw_request(4, "no-slash", good)));
    std::map<std::uint64_t, std::uint32_t> codes;
    for (int i = 0; i < 4; ++i) {
        const auto answer = read_answer(*client);
        ASSERT_TRUE(answer.has_value()) << "answer " << i;
        EXPECT_FALSE(answer->msg().empty());
        codes[answer->call_id()] = answer->code();
    }
    EXPECT_EQ(codes[1], static_cast<std::uint32_t>(ErrorCode::unknown_service));
    EXPECT_EQ(codes[2], static_cast<std::uint32_t>(ErrorCode::unknown_method));
    EXPECT_EQ(codes[3], static_cast<std::uint32_t>(ErrorCode::bad_body));
    EXPECT_EQ(codes[4], static_cast<std::uint32_t>(ErrorCode::unknown_method));

    // Still serving.
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(5, "parley.echo.v1.Echo/Say", good)));
    const auto answer = read_answer(*client);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->code(), 0U) << answer->msg();
    EchoReply reply;
    ASSERT_TRUE(reply.ParseFromString(answer->payload()));
    EXPECT_EQ(reply.text(), "x");
}

TEST_F(RpcTest, CallIdZeroOrAnIdInUseEndsTheConnection) {
    start_with_rpc();
    const std::string good = echo_request("x").SerializeAsString();
    {
        auto client = raw();
        ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                       raw_request(0, "parley.echo.v1.Echo/Say", good)));
        const auto answer = read_answer(*client);
        ASSERT_TRUE(answer.has_value());
        EXPECT_EQ(answer->call_id(), 0U);
        EXPECT_EQ(answer->code(), static_cast<std::uint32_t>(ErrorCode::bad_body));
        EXPECT_TRUE(client->read_until_closed()) << "the connection stayed open";
    }
    auto client = raw();
    const std::string slow = echo_request("slow", 1000).SerializeAsString();
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(5, "parley.echo.v1.Echo/Say", slow)));
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(5, "parley.echo.v1.Echo/Say", good)));
    const auto answer = read_answer(*client);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->call_id(), 0U) << "an answer under the running call's id";
    EXPECT_EQ(answer->code(), static_cast<std::uint32_t>(ErrorCode::bad_body));
    EXPECT_NE(answer->msg().find("already in flight"), std::string::npos) << answer->msg();
    std::vector<Frame> after;
    EXPECT_TRUE(client->read_until_closed(RawClient::kTimeout, &after));
    EXPECT_TRUE(after.empty()) << "the cancelled slow call was answered";
}

TEST_F(RpcTest, ACancelledCallIsNotAnswered) {
    start_with_rpc();
    auto client = raw();
    ASSERT_TRUE(client->send_frame(
        FrameType::rpc, kNoUser, kNoUser,
        raw_request(9, "parley.echo.v1.Echo/Say", echo_request("wait", 400).SerializeAsString())));
    wire::RpcCancel cancel;
    cancel.set_call_id(9);
    ASSERT_TRUE(client->send_frame(FrameType::rpc_cancel, kNoUser, kNoUser, cancel));
    ASSERT_TRUE(client->send_frame(FrameType::rpc, kNoUser, kNoUser,
                                   raw_request(10, "parley.echo.v1.Echo/Say",
                                               echo_request("after", 800).SerializeAsString())));
    const auto answer = read_answer(*client, 3s);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->call_id(), 10U) << "the cancelled call 9 was answered";
}

TEST_F(RpcTest, ACallerCancellingEndsItsCallWithCancelled) {
    start_with_rpc();
    auto rpc = channel();
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    const EchoRequest request = echo_request("wait", 5000);
    EchoReply reply;
    std::promise<void> done;
    stub.Say(&call, &request, &reply,
             google::protobuf::NewCallback(
                 +[](std::promise<void>* p) { p->set_value(); }, &done));
    std::this_thread::sleep_for(100ms);
    call.StartCancel();
    ASSERT_EQ(done.get_future().wait_for(2s), std::future_status::ready);
    EXPECT_EQ(call.code(), ErrorCode::cancelled);
}

TEST_F(RpcTest, OtherFrameTypesAreRefusedWithUnknownType) {
    start_with_rpc();
    auto client = raw();
    wire::Heartbeat beat;
    ASSERT_TRUE(client->send_frame(FrameType::heartbeat, kNoUser, kNoUser, beat));
    const auto answer = read_answer(*client);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->call_id(), 0U);
    EXPECT_EQ(answer->code(), static_cast<std::uint32_t>(ErrorCode::unknown_type));
}

TEST_F(RpcTest, AListenerWithATokenRefusesCallsWithoutIt) {
    start_with_rpc(std::string{", token: "} + kRpcToken);
    const EchoRequest request = echo_request("secret");
    {
        auto rpc = channel();
        echo::v1::Echo_Stub stub(&rpc);
        RpcCall call;
        EchoReply reply;
        stub.Say(&call, &request, &reply, nullptr);
        EXPECT_EQ(call.code(), ErrorCode::login_failed) << call.ErrorText();
    }
    client::RpcChannelOptions options;
    options.token = kRpcToken;
    auto rpc = channel(options);
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    EchoReply reply;
    stub.Say(&call, &request, &reply, nullptr);
    EXPECT_FALSE(call.Failed()) << call.ErrorText();
    EXPECT_EQ(reply.text(), "secret");
}

TEST_F(RpcTest, ReflectionListsTheHostedServicesWithTheirFiles) {
    start_with_rpc();
    auto rpc = channel();
    rpc::v1::Reflection_Stub stub(&rpc);
    RpcCall call;
    rpc::v1::ListServicesRequest request;
    rpc::v1::ListServicesReply reply;
    stub.ListServices(&call, &request, &reply, nullptr);
    ASSERT_FALSE(call.Failed()) << call.ErrorText();
    EXPECT_EQ(std::vector<std::string>(reply.services().begin(), reply.services().end()),
              (std::vector<std::string>{"parley.echo.v1.Echo", "parley.rpc.v1.Reflection"}));
    std::set<std::string> files;
    for (const auto& file : reply.files().file()) {
        files.insert(file.name());
    }
    EXPECT_TRUE(files.contains("parley/echo/v1/echo.proto"));
    EXPECT_TRUE(files.contains("google/protobuf/descriptor.proto"));
}

TEST_F(RpcTest, ServicesWithoutAnRpcListenerAreAConfigurationError) {
    config.extra_yaml = "services: [echo]\n";
    EXPECT_THROW(start(), std::runtime_error);
}

TEST_F(RpcTest, NoReachableInstanceEndsWithUnavailable) {
    start_with_rpc();
    const std::string endpoint = daemon->rpc_endpoint();
    daemon.reset();  // stopped: nothing listens there now
    client::RpcChannel rpc(loop.executor(), client::fixed_targets({endpoint}));
    echo::v1::Echo_Stub stub(&rpc);
    RpcCall call;
    const EchoRequest request = echo_request("anyone?");
    EchoReply reply;
    stub.Say(&call, &request, &reply, nullptr);
    EXPECT_EQ(call.code(), ErrorCode::unavailable) << call.ErrorText();
}

}  // namespace
}  // namespace parley::test
