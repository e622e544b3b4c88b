// What every Transport backend must do, run against each bundled one as parleyd loads it:
// transport-local, and transport-kafka against the Kafka mock (support/kafka_mock.hpp) as a
// separate process. Backend-specific behaviour (several nodes, adoption, outages) is tested
// beside each backend.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/transport.hpp>

#include "plugins/backend_names.hpp"
#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "plugins/transport/kafka/kafka_node.hpp"
#include "plugins/transport/numbered_frame.hpp"
#include "plugins/transport/recording_listener.hpp"
#include "plugins/unique_name.hpp"
#include "support/kafka_mock.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kNodeId = "node-a";

struct LocalBackend {
    static constexpr const char* kName = "local";
    LocalBackend() { host.load("transport", "local"); }
    Transport& transport() { return *host.transport; }

    PluginTestHost host;
};

/// Each test under its own topic and group names on the shared Kafka mock.
struct KafkaBackend {
    static constexpr const char* kName = "kafka";
    Transport& transport() { return *node.transport; }

    KafkaNode node{kafka_settings(shared_kafka(), unique_prefix('.'))};
};

template <typename Backend>
class TransportConformanceTest : public ::testing::Test {
  protected:
    Transport& transport() { return backend_.transport(); }
    void start() { transport().start(kNodeId, listener); }
    void publish(Envelope envelope) {
        const std::string node = kNodeId;
        run_awaitable(transport().publish_to_node(node, std::move(envelope)));
    }
    void publish_group(GroupId group, std::uint32_t n) {
        Frame frame = numbered(FrameType::group_message, 1, group, n);
        run_awaitable(transport().publish_to_group(group, std::move(frame)));
    }

    // Declared first: the transport stops using it before it goes.
    RecordingListener listener;

  private:
    Backend backend_;
};

using Backends = ::testing::Types<LocalBackend, KafkaBackend>;
TYPED_TEST_SUITE(TransportConformanceTest, Backends, BackendNames);

TYPED_TEST(TransportConformanceTest, DeliversToItsOwnNodeInOrder) {
    this->start();
    constexpr std::uint32_t kCount = 20;
    for (std::uint32_t n = 0; n < kCount; ++n) {
        Envelope envelope;
        envelope.kind = Envelope::Kind::deliver;
        envelope.recipient = 7;
        envelope.session_epoch = 1000 + n;
        envelope.frame = numbered(FrameType::private_message, 1, 7, n);
        this->publish(std::move(envelope));
    }
    Envelope kick;
    kick.kind = Envelope::Kind::kick;
    kick.recipient = 7;
    kick.session_epoch = 42;
    this->publish(std::move(kick));

    ASSERT_TRUE(this->listener.wait_envelopes(kCount + 1));
    const auto received = this->listener.envelopes();
    ASSERT_EQ(received.size(), kCount + 1);
    for (std::uint32_t n = 0; n < kCount; ++n) {
        EXPECT_EQ(received[n].kind, Envelope::Kind::deliver);
        EXPECT_EQ(received[n].recipient, 7u);
        EXPECT_EQ(received[n].session_epoch, 1000 + n);
        EXPECT_EQ(received[n].frame.type(), FrameType::private_message);
        EXPECT_EQ(number_of(received[n].frame), n) << "out of order";
    }
    EXPECT_EQ(received[kCount].kind, Envelope::Kind::kick);
    EXPECT_EQ(received[kCount].session_epoch, 42u);
    EXPECT_TRUE(received[kCount].frame.empty());
    EXPECT_TRUE(this->listener.groups().empty());
}

TYPED_TEST(TransportConformanceTest, PublishesStartedTogetherArriveInTheOrderStarted) {
    // What publishes_in_order() promises the router: each publish is queued before the loop
    // runs anything else, so publishes started one after another on a loop, none awaited before
    // the next starts, arrive in the order started.
    ASSERT_TRUE(this->transport().publishes_in_order());
    this->start();
    boost::asio::io_context loop;
    constexpr std::uint32_t kCount = 50;
    std::atomic<int> failed{0};
    for (std::uint32_t n = 0; n < kCount; ++n) {
        Envelope envelope;
        envelope.kind = Envelope::Kind::deliver;
        envelope.recipient = 7;
        envelope.frame = numbered(FrameType::private_message, 1, 7, n);
        std::string node = kNodeId;
        boost::asio::co_spawn(
            loop, this->transport().publish_to_node(std::move(node), std::move(envelope)),
            [&failed](const std::exception_ptr& error) {
                if (error) {
                    ++failed;
                }
            });
    }
    loop.run();
    EXPECT_EQ(failed, 0);
    ASSERT_TRUE(this->listener.wait_envelopes(kCount));
    const auto received = this->listener.envelopes();
    ASSERT_EQ(received.size(), kCount);
    for (std::uint32_t n = 0; n < kCount; ++n) {
        EXPECT_EQ(number_of(received[n].frame), n) << "out of order";
    }
}

TYPED_TEST(TransportConformanceTest, DeliversGroupMessagesOnce) {
    this->start();
    this->publish_group(9, 1);
    this->publish_group(12, 2);
    ASSERT_TRUE(this->listener.wait_groups(2));
    std::this_thread::sleep_for(200ms);  // room for a duplicate to show up
    // Two groups may travel separate routes: no order between them.
    auto groups = this->listener.groups();
    ASSERT_EQ(groups.size(), 2u);
    std::sort(groups.begin(), groups.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    EXPECT_EQ(groups[0].first, 9u);
    EXPECT_EQ(number_of(groups[0].second), 1u);
    EXPECT_EQ(groups[0].second.receiver(), 9u);
    EXPECT_EQ(groups[0].second.type(), FrameType::group_message);
    EXPECT_EQ(groups[1].first, 12u);
    EXPECT_EQ(number_of(groups[1].second), 2u);
    EXPECT_TRUE(this->listener.envelopes().empty());
}

TYPED_TEST(TransportConformanceTest, PluginEnvelopeKindsRefIdsAndHopsTravelUnchanged) {
    this->start();
    Envelope custom;
    custom.kind = static_cast<Envelope::Kind>(Envelope::kFirstPluginKind + 0x10);
    custom.recipient = 50;
    custom.session_epoch = 0xFEDC'BA98'7654'3210;
    custom.frame = numbered(FrameType::private_message, 1, 50, 5);
    custom.ref_id = 0x0102030405060708;
    custom.hops = 1;
    this->publish(custom);
    Envelope last_kind = custom;
    last_kind.kind = static_cast<Envelope::Kind>(0xff);
    last_kind.ref_id = 0;
    last_kind.hops = 0;
    this->publish(last_kind);

    ASSERT_TRUE(this->listener.wait_envelopes(2));
    const auto received = this->listener.envelopes();
    EXPECT_EQ(static_cast<unsigned>(received[0].kind), 0x90u);
    EXPECT_EQ(received[0].ref_id, 0x0102030405060708u);
    EXPECT_EQ(received[0].hops, 1u);
    EXPECT_EQ(received[0].recipient, 50u);
    EXPECT_EQ(received[0].session_epoch, 0xFEDC'BA98'7654'3210u);
    EXPECT_EQ(number_of(received[0].frame), 5u);
    EXPECT_EQ(static_cast<unsigned>(received[1].kind), 0xffu);
    EXPECT_EQ(received[1].ref_id, 0u);
    EXPECT_EQ(received[1].hops, 0u);
}

TYPED_TEST(TransportConformanceTest, GroupCopiesTravelOnTheNodeRouteWithTheirNodeTag) {
    // A group message sent to one node because members of the group are there (plugin API 7).
    this->start();
    Envelope copy;
    copy.kind = Envelope::Kind::group;
    copy.recipient = 12;  // the group
    copy.session_epoch = node_tag("node-x");
    copy.frame = numbered(FrameType::group_message, 3, 12, 9);
    this->publish(copy);

    ASSERT_TRUE(this->listener.wait_envelopes(1));
    const auto received = this->listener.envelopes();
    EXPECT_EQ(received[0].kind, Envelope::Kind::group);
    EXPECT_EQ(received[0].recipient, 12u);
    EXPECT_EQ(received[0].session_epoch, node_tag("node-x"));
    EXPECT_EQ(number_of(received[0].frame), 9u);
    EXPECT_TRUE(this->listener.groups().empty()) << "not on the group route";
}

TYPED_TEST(TransportConformanceTest, RefusesBeforeStartAndAfterStop) {
    auto expect_refused = [this](const char* why) {
        try {
            this->publish_group(1, 1);
            ADD_FAILURE() << "published to a group " << why;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
            EXPECT_THAT(e.what(), HasSubstr(why));
        }
        try {
            this->publish(Envelope{});
            ADD_FAILURE() << "published to a node " << why;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
            EXPECT_THAT(e.what(), HasSubstr(why));
        }
    };
    expect_refused("not started");
    this->start();
    const auto before = std::chrono::steady_clock::now();
    this->transport().stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 3s) << "stop() is not prompt";
    expect_refused("stopped");
    EXPECT_TRUE(this->listener.groups().empty());
    EXPECT_TRUE(this->listener.envelopes().empty());
}

}  // namespace
}  // namespace parley::test
