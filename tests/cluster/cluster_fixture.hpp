#pragma once
// A real Parley cluster for end-to-end tests: parleyd processes running config/cluster.yaml,
// meeting in a real ZooKeeper, recording sessions in a real redis-server and relaying through
// the Kafka mock. Each test gets its own key prefix, znode root and topics, so tests can share
// the servers the test command started.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/raw_client.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {

struct ClusterOptions {
    int nodes = 3;
    std::string duplicate_login = "reject";
    /// Short, so that a killed node's users and registry entry go away within a test.
    std::string session_ttl = "3s";
    std::string registry_session_timeout = "4s";
    /// Empty: the shared Redis. A test that stops Redis gives the cluster one of its own.
    std::string redis_address;
    /// Empty: the shared Kafka mock. A test that takes brokers down starts one of its own.
    std::string kafka_bootstrap;
    /// How long a record may wait for Kafka before its publish fails.
    std::string message_timeout = "10s";
    /// Service plugins each node hosts on an RPC listener of its own (docs/rpc.md), as a YAML
    /// flow list ("[echo, admin]"); empty: no RPC listener.
    std::string rpc_services;
    /// False: no message log (`message_log: ~`), so messages are pushed only, and a sender's
    /// chat messages pipeline on the transport.
    bool message_log = true;
};

class ClusterTest : public ::testing::Test {
  protected:
    /// Starts every node and waits until each is ready (announced, consuming its routes).
    void start_cluster(ClusterOptions options = {});

    DaemonProcess& node(std::size_t index) { return *nodes_.at(index); }
    std::string node_id(std::size_t index) const { return "node-" + std::to_string(index + 1); }
    /// Every node's client endpoint, in node order.
    std::vector<std::string> endpoints() const;

    /// Connects to node `index` and logs in as `user`; the test fails when refused.
    std::unique_ptr<RawClient> login(std::size_t index, UserId user);
    /// Logs in as `user` on node `index` and returns the reply (HANDSHAKE or ERROR).
    std::optional<Frame> try_login(std::size_t index, UserId user, RawClient& client);

    /// The YAML overlay that points a node at this test's backends.
    std::string backends_yaml() const;
    /// ZooKeeper connect string and root, for clients that discover nodes.
    std::string zookeeper_connect() const;
    std::string zookeeper_root() const { return "/" + prefix_; }
    /// The registry-zookeeper plugin request a client uses to find this cluster's services.
    std::string zookeeper_registry_yaml() const;

    TempDir dir{"cluster-test"};

  private:
    std::filesystem::path write_node_config(std::size_t index, const ClusterOptions& options);

    std::string prefix_;
    ClusterOptions options_;
    std::vector<std::unique_ptr<DaemonProcess>> nodes_;
};

/// Every user online in the cluster, read page by page through `client`'s node.
std::vector<UserId> online_users(RawClient& client, std::uint32_t page_size = 2);

/// Frames of `type` that arrive within `window`: for "exactly once" checks.
std::vector<Frame> collect(RawClient& client, FrameType type, std::chrono::milliseconds window);

}  // namespace parley::test
