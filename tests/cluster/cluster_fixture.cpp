#include "cluster/cluster_fixture.hpp"

#include <future>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <parley.pb.h>

#include "cluster/cluster_backends.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

/// Names this test's keys, znodes and topics apart from any other test's on the same servers.
std::string unique_prefix() {
    std::random_device random;
    return fmt::format("t{:08x}", random());
}

}  // namespace

void ClusterTest::start_cluster(ClusterOptions options) {
    prefix_ = unique_prefix();
    options_ = options;
    // Nodes start side by side: each waits a few seconds for its Kafka consumer groups.
    std::vector<std::future<std::unique_ptr<DaemonProcess>>> starting;
    for (int i = 0; i < options.nodes; ++i) {
        DaemonOptions daemon;
        daemon.configs = {std::filesystem::path{PARLEY_TEST_SOURCE_DIR} / "config/cluster.yaml",
                          write_node_config(static_cast<std::size_t>(i), options)};
        daemon.ready_timeout = 60s;
        starting.push_back(std::async(
            std::launch::async, [daemon] { return std::make_unique<DaemonProcess>(daemon); }));
    }
    for (auto& node : starting) {
        nodes_.push_back(node.get());
    }
}

std::string ClusterTest::backends_yaml() const {
    return fmt::format(
        R"(transport:
  settings:
    brokers: "{kafka}"
    topic_prefix: "{prefix}."
    group_prefix: "{prefix}."
    message_timeout: {message_timeout}
    properties:
      session.timeout.ms: 6000  # a killed node's route is adopted soon after it left
registry:
  settings:
    connect: "{zookeeper}"
    root: "/{prefix}"
    session_timeout: {registry_timeout}
store:
  settings:
    address: "{redis}"
    key_prefix: "{prefix}:"
    session_ttl: {ttl}
{message_log})",
        fmt::arg("kafka",
                 options_.kafka_bootstrap.empty() ? kafka_bootstrap() : options_.kafka_bootstrap),
        fmt::arg("message_timeout", options_.message_timeout), fmt::arg("prefix", prefix_),
        fmt::arg("zookeeper", zookeeper_connect()),
        fmt::arg("redis",
                 options_.redis_address.empty() ? redis_address() : options_.redis_address),
        fmt::arg("registry_timeout", options_.registry_session_timeout),
        fmt::arg("ttl", options_.session_ttl),
        fmt::arg("message_log",
                 options_.message_log
                     ? fmt::format("message_log:\n  settings:\n    address: \"{}\"\n"
                                   "    key_prefix: \"{}:log:\"\n",
                                   options_.redis_address.empty() ? redis_address()
                                                                  : options_.redis_address,
                                   prefix_)
                     : std::string{"message_log: ~\n"}));
}

std::string ClusterTest::zookeeper_connect() const {
    return test::zookeeper_connect();
}

std::filesystem::path ClusterTest::write_node_config(std::size_t index,
                                                     const ClusterOptions& options) {
    const std::string node_yaml = fmt::format(
        R"(node:
  id: {id}
server:
  listen: ["127.0.0.1:0"]
  threads: 2
logging:
  level: debug
admin: {{listen: "127.0.0.1:0"}}
{backends}handlers:
  - plugin: handshake
    settings:
      duplicate_login: {policy}
      resume_secret: the-same-on-every-test-node
  - heartbeat
  - private
  - group
  - presence
  - sync
{rpc})",
        fmt::arg("id", node_id(index)), fmt::arg("backends", backends_yaml()),
        fmt::arg("policy", options.duplicate_login),
        fmt::arg("rpc",
                 options.rpc_services.empty()
                     ? std::string{}
                     : "rpc: {listen: \"127.0.0.1:0\"}\nservices: " + options.rpc_services + "\n"));
    return write_file(dir.file(node_id(index) + ".yaml"), node_yaml);
}

std::string ClusterTest::zookeeper_registry_yaml() const {
    return fmt::format("plugin: zookeeper\nsettings: {{connect: \"{}\", root: \"{}\"}}\n",
                       zookeeper_connect(), zookeeper_root());
}

std::vector<std::string> ClusterTest::endpoints() const {
    std::vector<std::string> out;
    for (const auto& node : nodes_) {
        out.push_back(node->endpoint());
    }
    return out;
}

std::optional<Frame> ClusterTest::try_login(std::size_t index, UserId user, RawClient& client) {
    if (!client.connect(node(index).endpoint())) {
        return std::nullopt;
    }
    return client.handshake(user);
}

std::unique_ptr<RawClient> ClusterTest::login(std::size_t index, UserId user) {
    auto client = std::make_unique<RawClient>();
    const auto reply = try_login(index, user, *client);
    EXPECT_TRUE(reply.has_value())
        << "no handshake reply for user " << user << " on " << node_id(index);
    if (reply) {
        EXPECT_EQ(reply->type(), FrameType::handshake)
            << "login of user " << user << " on " << node_id(index) << " refused";
    }
    return client;
}

std::vector<UserId> online_users(RawClient& client, std::uint32_t page_size) {
    std::vector<UserId> users;
    std::uint64_t cursor = 0;
    std::uint64_t request = 900000;
    do {
        wire::PresenceRequest ask;
        ask.set_client_msg_id(++request);
        ask.set_cursor(cursor);
        ask.set_limit(page_size);
        if (!client.send_frame(FrameType::presence, kNoUser, kNoUser, ask)) {
            ADD_FAILURE() << "presence request could not be sent";
            return users;
        }
        std::optional<Frame> reply;
        do {
            reply = client.read_frame();
        } while (reply && reply->type() != FrameType::presence &&
                 reply->type() != FrameType::error);
        wire::PresenceList page;
        if (!reply || reply->type() != FrameType::presence || !reply->parse_body(page)) {
            ADD_FAILURE() << "no presence page";
            return users;
        }
        users.insert(users.end(), page.users().begin(), page.users().end());
        cursor = page.next_cursor();
    } while (cursor != 0);
    return users;
}

std::vector<Frame> collect(RawClient& client, FrameType type, std::chrono::milliseconds window) {
    std::vector<Frame> frames;
    const auto deadline = std::chrono::steady_clock::now() + window;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left <= 0ms) {
            return frames;
        }
        auto frame = client.read_frame(left);
        if (!frame) {
            return frames;
        }
        if (frame->type() == type) {
            frames.push_back(std::move(*frame));
        }
    }
}

}  // namespace parley::test
