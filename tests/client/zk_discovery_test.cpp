// Clients that find their nodes in ZooKeeper: real parleyd processes announce themselves through
// the registry-zookeeper plugin in a real ZooKeeper server, and the client library loads the same
// plugin to list and watch them. Each test keeps its nodes under a znode root of its own.

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <parley/client/client_config.hpp>
#include <parley/config_node.hpp>

#include "client/client_harness.hpp"
#include "client/client_test.hpp"
#include "plugins/run_awaitable.hpp"
#include "support/zookeeper_server.hpp"

namespace parley::client::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using namespace std::chrono_literals;

class ZkDiscovery : public ClientTest {
  protected:
    /// The registry settings every node and client of this test uses.
    std::string registry_settings() const {
        return "{connect: \"" + connect_ + "\", root: \"" + root_ +
               "\", session_timeout: 2s, connect_timeout: 3s, load_interval: 100ms}";
    }

    /// A standalone node (local transport, memory store) that announces itself in ZooKeeper:
    /// the standalone YAML plus an overlay naming the zookeeper registry.
    std::vector<std::filesystem::path> zk_node_configs(const std::string& node_id) {
        auto config = node_config(node_id);
        const std::string name = node_id + "-" + std::to_string(++written_);
        return {parley::test::write_standalone_config(zk_dir_.file(name + ".yaml"), config),
                parley::test::write_file(
                    zk_dir_.file(name + "-zookeeper.yaml"),
                    "registry:\n  plugin: zookeeper\n  settings: " + registry_settings() + "\n")};
    }

    std::unique_ptr<DaemonProcess> start_zk_node(const std::string& node_id) {
        DaemonOptions options;
        options.configs = zk_node_configs(node_id);
        return std::make_unique<DaemonProcess>(options);
    }

    /// What a client configuration file would say: `registry: {plugin: zookeeper, ...}`.
    ClientHarness::DiscoveryFactory discovery() const {
        const std::string yaml =
            "registry:\n  plugin: zookeeper\n  settings: " + registry_settings() + "\n";
        return [yaml](asio::any_io_executor executor) {
            const auto config =
                parse_client_config(ConfigNode::parse_string(yaml, "client.yaml"), ".");
            return make_discovery(config, std::move(executor), "zk-test-client");
        };
    }

    /// The nodes as the plugin lists them right now (empty when ZooKeeper cannot be asked).
    std::vector<ServiceInstance> listed() {
        asio::io_context io;
        const auto source = discovery()(io.get_executor());
        return parley::test::run_awaitable(source->instances());
    }

    const ServiceInstance* find(const std::vector<ServiceInstance>& nodes, const std::string& id) {
        const auto it = std::find_if(nodes.begin(), nodes.end(),
                                     [&id](const ServiceInstance& node) { return node.id == id; });
        return it == nodes.end() ? nullptr : &*it;
    }

    bool eventually(const std::function<bool()>& condition, milliseconds timeout = 10s) {
        const auto deadline = steady_clock::now() + timeout;
        while (!condition()) {
            if (steady_clock::now() >= deadline) {
                return false;
            }
            std::this_thread::sleep_for(50ms);
        }
        return true;
    }

    parley::test::TempDir zk_dir_{"zk-discovery-test"};
    std::string connect_ = parley::test::shared_zookeeper();
    std::string root_ = parley::test::unique_znode_root(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    int written_ = 0;
};

/// Every list a Discovery's watch reported, for the test's thread to wait on.
class WatchedLists {
  public:
    std::function<void(std::vector<ServiceInstance>)> callback() {
        return [this](std::vector<ServiceInstance> nodes) {
            std::lock_guard lock(mutex_);
            latest_.clear();
            for (const auto& node : nodes) {
                latest_.push_back(node.id);
            }
        };
    }
    std::vector<std::string> latest() {
        std::lock_guard lock(mutex_);
        return latest_;
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> latest_;
};

TEST_F(ZkDiscovery, AfterItsNodeIsKilledTheClientMovesToTheNodeZooKeeperLists) {
    const auto a = start_zk_node("node-a");
    const auto b = start_zk_node("node-b");
    ASSERT_TRUE(eventually([&] { return listed().size() == 2; }));

    // A watcher, as the client keeps one, sees both nodes.
    WatchedLists watched;
    asio::io_context io;
    const auto watching = discovery()(io.get_executor());
    const auto subscription = watching->watch(watched.callback());
    ASSERT_TRUE(eventually([&] {
        return watched.latest() == std::vector<std::string>{"node-a", "node-b"};
    }));

    ClientHarness alice(discovery(), test_options(1));
    alice.start();
    const auto first = alice.events().wait_for("connected ");
    ASSERT_TRUE(first) << alice.events().all();
    const bool on_a = first->starts_with("connected node-a ");
    DaemonProcess& doomed = on_a ? *a : *b;
    DaemonProcess& survivor = on_a ? *b : *a;
    const std::string survivor_id = on_a ? "node-b" : "node-a";

    // Bob is on the other node from the start.
    ClientHarness bob({survivor.endpoint()}, test_options(2));
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("connected " + survivor_id)) << bob.events().all();

    doomed.kill9();
    ASSERT_TRUE(alice.events().wait_for("disconnected was=1 retry=1 refused=0"))
        << alice.events().all();
    EXPECT_TRUE(alice.events().wait_for("connected " + survivor_id + " " + survivor.endpoint()))
        << alice.events().all();

    // Logged in again on the survivor: messages flow both ways.
    const auto to_bob = alice.client().send_private(2, "found you");
    EXPECT_TRUE(alice.events().wait_for("ack " + std::to_string(to_bob) + " "))
        << alice.events().all();
    EXPECT_TRUE(bob.events().wait_for("msg 1 2 " + std::to_string(to_bob) + " found you"))
        << bob.events().all();
    const auto to_alice = bob.client().send_private(1, "welcome");
    EXPECT_TRUE(alice.events().wait_for("msg 2 1 " + std::to_string(to_alice) + " welcome"))
        << alice.events().all();

    // The killed node's ephemeral znode goes with its session, 2 s later: watchers hear of it.
    EXPECT_TRUE(eventually([&] {
        return watched.latest() == std::vector<std::string>{survivor_id};
    })) << "still listed after its session timeout";
    const auto nodes = listed();
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_EQ(nodes[0].service, kParleyService);
    EXPECT_EQ(nodes[0].endpoints, std::vector<std::string>{"tcp://" + survivor.endpoint()});
    EXPECT_FALSE(nodes[0].metadata.at("version").empty()) << "parleyd announces its version";
}

TEST_F(ZkDiscovery, LeastLoadedPicksTheNodeWithFewerSessions) {
    const auto a = start_zk_node("node-a");
    const auto b = start_zk_node("node-b");
    // Two users on node-a; the nodes report their loads to ZooKeeper every second.
    ClientHarness first({a->endpoint()}, test_options(10));
    ClientHarness second({a->endpoint()}, test_options(11));
    first.start();
    second.start();
    ASSERT_TRUE(first.events().wait_for("connected node-a")) << first.events().all();
    ASSERT_TRUE(second.events().wait_for("connected node-a")) << second.events().all();
    ASSERT_TRUE(eventually([&] {
        const auto nodes = listed();
        const ServiceInstance* node_a = find(nodes, "node-a");
        const ServiceInstance* node_b = find(nodes, "node-b");
        return node_a != nullptr && node_b != nullptr && node_a->load == 2 && node_b->load == 0;
    })) << "the loads never reached ZooKeeper";

    for (UserId user : {20, 21}) {
        ClientHarness picked(discovery(), test_options(user), "least-loaded");
        picked.start();
        EXPECT_TRUE(picked.events().wait_for("connected node-b " + b->endpoint()))
            << picked.events().all();
    }
}

TEST_F(ZkDiscovery, ARestartedNodeWaitsForItsOldSessionAndADuplicateIsRefused) {
    auto crashed = start_zk_node("node-a");
    crashed->kill9();
    // Started again at once, it finds its old znode and waits for that session to expire.
    const auto start = steady_clock::now();
    const auto again = start_zk_node("node-a");
    EXPECT_GE(steady_clock::now() - start, 1s) << again->log_text();
    EXPECT_NE(again->log_text().find("perhaps a previous run of this node"), std::string::npos)
        << again->log_text();
    const auto nodes = listed();
    ASSERT_EQ(nodes.size(), 1u);
    EXPECT_EQ(nodes[0].endpoints, std::vector<std::string>{"tcp://" + again->endpoint()});

    // A second live process with the same id is refused once the wait shows it is alive.
    std::vector<std::string> args;
    for (const auto& config : zk_node_configs("node-a")) {
        args.emplace_back("-c");
        args.push_back(config.string());
    }
    const auto run = DaemonProcess::run_to_completion(args, 20s);
    EXPECT_NE(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("id 'node-a' of service parley.im is already announced in ZooKeeper"),
              std::string::npos)
        << run.output;
    EXPECT_EQ(listed().at(0).endpoints, std::vector<std::string>{"tcp://" + again->endpoint()});
}

}  // namespace
}  // namespace parley::client::test
