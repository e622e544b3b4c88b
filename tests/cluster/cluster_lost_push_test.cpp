// A push lost while the cluster's transport is down, with nothing after it in its conversation:
// the message is stored, and the client library's periodic sync brings it to a recipient who
// stayed connected all along (docs/protocol.md, section 12, "A lost push with nothing after it").
#include <chrono>
#include <optional>
#include <thread>

#include <gtest/gtest.h>
#include <parley.pb.h>

#include "client/client_harness.hpp"
#include "cluster/cluster_fixture.hpp"
#include "support/kafka_mock.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using client::test::ClientHarness;
using client::test::test_options;

constexpr UserId kAlice = 301;
constexpr UserId kBob = 302;

class ClusterLostPushTest : public ClusterTest {};

TEST_F(ClusterLostPushTest, AMessageWhosePushFailedReachesARecipientWhoStayedConnected) {
    KafkaMock kafka;  // its own: the test takes every broker down
    ClusterOptions options;
    options.nodes = 2;
    options.kafka_bootstrap = kafka.bootstrap();
    options.message_timeout = "2s";
    start_cluster(options);

    auto bob_options = test_options(kBob);
    bob_options.resync_interval = 1s;
    ClientHarness bob({endpoints()[1]}, bob_options);
    bob.start();
    ASSERT_TRUE(bob.events().wait_for("sync ")) << bob.events().all();
    auto alice = login(0, kAlice);

    kafka.broker_down(-1);
    wire::ChatMessage message;
    message.set_client_msg_id(1);
    message.set_content("while-kafka-was-down");
    ASSERT_TRUE(alice->send_frame(FrameType::private_message, kNoUser, kBob, message));
    std::optional<Frame> ack;
    for (int frames = 0; frames < 10 && !ack; ++frames) {
        ack = alice->read_frame(10s);
        if (ack && ack->type() != FrameType::ack) {
            ack.reset();
        }
    }
    ASSERT_TRUE(ack.has_value()) << "stored messages are ACKed while Kafka is down";
    wire::Ack body;
    ASSERT_TRUE(ack->parse_body(body));
    EXPECT_EQ(body.seq(), 1u);
    std::this_thread::sleep_for(3s);  // past message_timeout: the push has failed for good
    kafka.broker_up(-1);

    EXPECT_TRUE(bob.events().wait_contains("while-kafka-was-down", 20s))
        << "the stored message never reached bob, who stayed connected\n"
        << bob.events().all();
}

}  // namespace
}  // namespace parley::test
