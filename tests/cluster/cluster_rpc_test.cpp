// RPC across a real cluster: every node hosts the echo service and announces it in ZooKeeper;
// a caller finds the instances through the registry-zookeeper plugin, spreads its calls over
// them, and rides out a node killed under it.
#include <future>
#include <set>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <google/protobuf/stubs/callback.h>

#include <parley/client/registry_discovery.hpp>
#include <parley/client/rpc_channel.hpp>
#include <parley/config_node.hpp>

#include "cluster/cluster_fixture.hpp"
#include "parley/echo/v1/echo.pb.h"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using echo::v1::EchoReply;
using echo::v1::EchoRequest;

class ClusterRpcTest : public ClusterTest {
  protected:
    void SetUp() override {
        ClusterOptions options;
        options.rpc_services = "[echo]";
        start_cluster(options);
        const ConfigNode plugin =
            ConfigNode::parse_string(zookeeper_registry_yaml(), "test registry");
        host::PluginRequest request = host::parse_plugin_request("registry", plugin);
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any test thread runs.
        const char* build = std::getenv("PARLEY_BUILD_DIR");
        ASSERT_NE(build, nullptr) << "run through ctest";
        discovery_ = std::make_unique<client::RegistryDiscovery>(
            io_.get_executor(), request,
            std::vector<std::filesystem::path>{std::filesystem::path(build) / "lib/parley/plugins"},
            "rpc-test");
        thread_ = std::thread([this] { io_.run(); });
        channel_ = std::make_unique<client::RpcChannel>(
            io_.get_executor(), client::registry_targets(discovery_->registry()));
        stub_ = std::make_unique<echo::v1::Echo_Stub>(channel_.get());
    }

    void TearDown() override {
        stub_.reset();
        channel_.reset();
        work_.reset();
        io_.stop();
        if (thread_.joinable()) {
            thread_.join();
        }
        discovery_.reset();
    }

    /// One blocking echo call; the node that answered, or nothing with the call's failure.
    std::optional<std::string> say(const std::string& text, RpcCall& call,
                                   std::uint32_t delay_ms = 0) {
        EchoRequest request;
        request.set_text(text);
        request.set_delay_ms(delay_ms);
        EchoReply reply;
        stub_->Say(&call, &request, &reply, nullptr);
        if (call.Failed()) {
            return std::nullopt;
        }
        EXPECT_EQ(reply.text(), text);
        return reply.node_id();
    }

    /// Once `call` (slow, in flight) has been sent, kills the node it went to; its id.
    std::string kill_node_serving(const RpcCall& call) {
        std::this_thread::sleep_for(500ms);
        const std::string serving = call.instance();
        for (std::size_t i = 0; i < 3; ++i) {
            if (node_id(i) == serving) {
                node(i).kill9();
                return serving;
            }
        }
        ADD_FAILURE() << "the call is with no node: '" << serving << "'";
        return serving;
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
    std::unique_ptr<client::RegistryDiscovery> discovery_;
    std::thread thread_;
    std::unique_ptr<client::RpcChannel> channel_;
    std::unique_ptr<echo::v1::Echo_Stub> stub_;
};

TEST_F(ClusterRpcTest, CallsFindEveryNodeThroughZooKeeperAndGoRoundRobin) {
    std::set<std::string> answered_by;
    for (int i = 0; i < 9; ++i) {
        RpcCall call;
        const auto node = say("call " + std::to_string(i), call);
        ASSERT_TRUE(node.has_value()) << to_string(call.code()) << " " << call.ErrorText();
        answered_by.insert(*node);
    }
    EXPECT_EQ(answered_by, (std::set<std::string>{node_id(0), node_id(1), node_id(2)}));
}

TEST_F(ClusterRpcTest, AKilledInstanceIsPassedOverWhileTheRegistryStillListsIt) {
    for (int i = 0; i < 3; ++i) {  // a connection to every node
        RpcCall call;
        ASSERT_TRUE(say("warm", call).has_value()) << call.ErrorText();
    }
    node(0).kill9();
    // ZooKeeper lists node-1 for its session time-out yet: calls picked for it are not sent
    // there and go to another node.
    for (int i = 0; i < 9; ++i) {
        RpcCall call;
        const auto node = say("after " + std::to_string(i), call);
        ASSERT_TRUE(node.has_value()) << to_string(call.code()) << " " << call.ErrorText();
        EXPECT_NE(*node, node_id(0));
    }
}

TEST_F(ClusterRpcTest, AnIdempotentCallLostWithItsNodeIsRetriedElsewhere) {
    RpcCall call;
    call.set_idempotent(true);
    call.set_timeout(10s);
    std::promise<std::optional<std::string>> answered;
    std::thread caller([&] { answered.set_value(say("survive", call, 1500)); });
    const std::string victim = kill_node_serving(call);
    const auto node = answered.get_future().get();
    caller.join();
    ASSERT_TRUE(node.has_value()) << to_string(call.code()) << " " << call.ErrorText();
    EXPECT_NE(*node, victim);
}

TEST_F(ClusterRpcTest, ACallThatMayHaveRunIsNotRetriedUnlessIdempotent) {
    RpcCall call;
    call.set_timeout(10s);
    std::promise<std::optional<std::string>> answered;
    std::thread caller([&] { answered.set_value(say("once", call, 1500)); });
    kill_node_serving(call);
    const auto node = answered.get_future().get();
    caller.join();
    EXPECT_FALSE(node.has_value());
    EXPECT_EQ(call.code(), ErrorCode::unavailable);
    EXPECT_NE(call.ErrorText().find("may have run"), std::string::npos) << call.ErrorText();
}

}  // namespace
}  // namespace parley::test
