// transport-kafka, loaded as parleyd loads it, against the Kafka mock (parley-kafka-mock, a real
// Kafka-protocol server from librdkafka) as a separate process. Each test uses its own topic
// and consumer group names, so tests may share one mock.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <parley/config_node.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/metrics.hpp>
#include <parley/transport.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/run_awaitable.hpp"
#include "plugins/transport/kafka/kafka_node.hpp"
#include "plugins/transport/numbered_frame.hpp"
#include "plugins/unique_name.hpp"
#include "support/kafka_mock.hpp"
#include "support/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

Envelope deliver_to(UserId recipient, std::uint32_t n) {
    Envelope envelope;
    envelope.kind = Envelope::Kind::deliver;
    envelope.recipient = recipient;
    envelope.session_epoch = 1000 + recipient;
    envelope.frame = numbered(FrameType::private_message, 1, recipient, n);
    return envelope;
}

void publish(Transport& transport, const std::string& node, Envelope envelope) {
    run_awaitable(transport.publish_to_node(node, std::move(envelope)));
}

void publish_group(Transport& transport, GroupId group, std::uint32_t n) {
    Frame frame = numbered(FrameType::group_message, 1, group, n);
    run_awaitable(transport.publish_to_group(group, std::move(frame)));
}

/// parley_transport_records_skipped_total{route}, summed over the nodes of this process.
std::uint64_t skipped_records(const std::string& route) {
    return metrics::registry()
        .counter("parley_transport_records_skipped_total", "", {{"route", route}})
        .value();
}

class KafkaTransportTest : public ::testing::Test {
  protected:
    std::string settings() const { return kafka_settings(shared_kafka(), prefix_); }

    /// Starts nodes `ids` side by side (each waits for its consumer groups).
    std::vector<std::unique_ptr<KafkaNode>> start_nodes(const std::vector<std::string>& ids) {
        std::vector<std::unique_ptr<KafkaNode>> nodes;
        std::vector<std::future<void>> started;
        for (const auto& id : ids) {
            nodes.push_back(std::make_unique<KafkaNode>(settings()));
            started.push_back(std::async(std::launch::async,
                                         [node = nodes.back().get(), id] { node->start(id); }));
        }
        for (auto& result : started) {
            result.get();
        }
        return nodes;
    }

    const std::string prefix_ = unique_prefix('.');
};

TEST_F(KafkaTransportTest, PrivateMessagesReachTheirNodeInOrderPerRecipient) {
    auto nodes = start_nodes({"A", "B"});
    KafkaNode& a = *nodes[0];
    KafkaNode& b = *nodes[1];

    // Many messages in flight at once, interleaved over five recipients.
    constexpr std::uint32_t kCount = 300;
    asio::io_context io;
    std::vector<std::future<void>> accepted;
    for (std::uint32_t n = 0; n < kCount; ++n) {
        Envelope envelope = deliver_to(10 + n % 5, n);
        envelope.hops = static_cast<std::uint8_t>(n % 2);
        accepted.push_back(asio::co_spawn(
            io, a.transport->publish_to_node("B", std::move(envelope)), asio::use_future));
    }
    io.run();
    for (auto& result : accepted) {
        result.get();  // every publish completed: Kafka accepted it
    }
    // The publisher resumes on its own executor, not on a librdkafka thread.
    asio::io_context caller;
    bool resumed_on_caller = false;
    auto publish_kick = [&]() -> asio::awaitable<void> {
        Envelope kick;
        kick.kind = Envelope::Kind::kick;
        kick.recipient = 10;
        kick.session_epoch = 77;
        const std::string target = "B";
        co_await a.transport->publish_to_node(target, std::move(kick));
        resumed_on_caller = caller.get_executor().running_in_this_thread();
    };
    auto kicked_future = asio::co_spawn(caller, publish_kick(), asio::use_future);
    caller.run();
    kicked_future.get();
    EXPECT_TRUE(resumed_on_caller);

    ASSERT_TRUE(b.listener.wait_envelopes(kCount + 1));
    std::map<UserId, std::vector<std::uint32_t>> per_recipient;
    bool kicked = false;
    for (const Envelope& envelope : b.listener.envelopes()) {
        if (envelope.kind == Envelope::Kind::kick) {
            EXPECT_EQ(envelope.recipient, 10u);
            EXPECT_EQ(envelope.session_epoch, 77u);
            EXPECT_TRUE(envelope.frame.empty());
            kicked = true;
            continue;
        }
        const std::uint32_t n = number_of(envelope.frame);
        EXPECT_EQ(envelope.recipient, 10 + n % 5);
        EXPECT_EQ(envelope.session_epoch, 1000 + envelope.recipient);
        EXPECT_EQ(envelope.hops, n % 2);
        EXPECT_EQ(envelope.frame.type(), FrameType::private_message);
        EXPECT_EQ(envelope.frame.receiver(), envelope.recipient);
        per_recipient[envelope.recipient].push_back(n);
    }
    EXPECT_TRUE(kicked);
    ASSERT_EQ(per_recipient.size(), 5u);
    for (const auto& [recipient, numbers] : per_recipient) {
        std::vector<std::uint32_t> expected;
        for (std::uint32_t n = recipient - 10; n < kCount; n += 5) {
            expected.push_back(n);
        }
        EXPECT_EQ(numbers, expected) << "recipient " << recipient;
    }
    EXPECT_TRUE(a.listener.envelopes().empty());
}

TEST_F(KafkaTransportTest, GroupMessageReachesEveryNodeExactlyOnce) {
    auto nodes = start_nodes({"A", "B"});
    publish_group(*nodes[0]->transport, 42, 7);
    for (auto& node : nodes) {
        ASSERT_TRUE(node->listener.wait_groups(1));
    }
    std::this_thread::sleep_for(1s);  // room for a duplicate to show up
    for (auto& node : nodes) {
        const auto groups = node->listener.groups();
        ASSERT_EQ(groups.size(), 1u);
        EXPECT_EQ(groups[0].first, 42u);
        EXPECT_EQ(number_of(groups[0].second), 7u);
        EXPECT_EQ(groups[0].second.type(), FrameType::group_message);
    }
}

TEST_F(KafkaTransportTest, NodeStartedLaterDoesNotReplayGroupHistory) {
    auto first = start_nodes({"A"});
    KafkaNode& a = *first[0];
    for (std::uint32_t n = 1; n <= 3; ++n) {
        publish_group(*a.transport, 5, n);
    }
    ASSERT_TRUE(a.listener.wait_groups(3));

    auto second = start_nodes({"B"});
    KafkaNode& b = *second[0];
    publish_group(*a.transport, 5, 4);
    ASSERT_TRUE(b.listener.wait_groups(1));
    ASSERT_TRUE(a.listener.wait_groups(4));
    std::this_thread::sleep_for(500ms);
    const auto groups = b.listener.groups();
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(number_of(groups[0].second), 4u);
}

TEST_F(KafkaTransportTest, AdoptedRouteDeliversWhatADepartedNodeLeft) {
    const std::uint64_t skipped_before = skipped_records("node");
    auto nodes = start_nodes({"A", "B"});
    KafkaNode& a = *nodes[0];
    nodes[1].reset();  // B stops (and is gone) without consuming anything more

    for (std::uint32_t n = 0; n < 5; ++n) {
        publish(*a.transport, "B", deliver_to(20 + n, n));
    }
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(a.listener.envelopes().empty()) << "A consumed B's route before adopting it";

    a.transport->adopt_route("B");
    ASSERT_TRUE(a.listener.wait_envelopes(5));
    auto adopted = a.listener.envelopes();
    ASSERT_EQ(adopted.size(), 5u);
    // One recipient each, so they may come from different partitions in any order.
    std::sort(adopted.begin(), adopted.end(), [](const Envelope& x, const Envelope& y) {
        return number_of(x.frame) < number_of(y.frame);
    });
    for (std::uint32_t n = 0; n < 5; ++n) {
        EXPECT_EQ(number_of(adopted[n].frame), n);
        EXPECT_EQ(adopted[n].recipient, 20 + n);
        EXPECT_EQ(adopted[n].session_epoch, 1020 + n);
        EXPECT_EQ(adopted[n].kind, Envelope::Kind::deliver);
    }

    // Released: A no longer consumes B's route (and has committed what it took).
    a.transport->release_route("B");
    publish(*a.transport, "B", deliver_to(30, 98));
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(a.listener.envelopes().size(), 5u) << "A consumed B's route after releasing it";

    // B comes back and gets what is new, not what A took over.
    auto back = start_nodes({"B"});
    KafkaNode& b = *back[0];
    publish(*a.transport, "B", deliver_to(30, 99));
    ASSERT_TRUE(b.listener.wait_envelopes(2));
    std::this_thread::sleep_for(1s);
    std::vector<std::uint32_t> numbers;
    for (const Envelope& envelope : b.listener.envelopes()) {
        numbers.push_back(number_of(envelope.frame));
    }
    EXPECT_EQ(numbers, (std::vector<std::uint32_t>{98, 99}));
    EXPECT_EQ(a.listener.envelopes().size(), 5u);
    // B resumed past what A consumed for it: a move forward, not records gone.
    EXPECT_EQ(skipped_records("node"), skipped_before);
}

TEST_F(KafkaTransportTest, RecordsRemovedBeforeTheNodeReadThemAreCountedAsSkipped) {
    auto nodes = start_nodes({"A", "B"});
    KafkaNode& a = *nodes[0];
    publish(*a.transport, "B", deliver_to(10, 0));
    ASSERT_TRUE(nodes[1]->listener.wait_envelopes(1));
    nodes[1]->transport->stop();  // commits: B resumes after record 0
    nodes[1].reset();

    // 96 records of 64 KiB for one recipient (one partition) while B is away: 6 MiB, more
    // than the mock keeps of a partition (5 MiB), so it drops the oldest, as retention would.
    constexpr std::uint32_t kCount = 96;
    std::vector<std::uint8_t> body(64 * 1024, 'x');
    for (std::uint32_t n = 1; n <= kCount; ++n) {
        put_u32(body.data(), n);
        Envelope envelope = deliver_to(10, n);
        envelope.frame = Frame::make(FrameType::private_message, 1, 10, body);
        publish(*a.transport, "B", std::move(envelope));
    }

    const std::uint64_t skipped_before = skipped_records("node");
    auto back = start_nodes({"B"});
    RecordingListener& listener = back[0]->listener;
    std::vector<std::uint32_t> numbers;
    for (const auto deadline = Clock::now() + 30s; Clock::now() < deadline;) {
        numbers.clear();
        for (const Envelope& envelope : listener.envelopes()) {
            numbers.push_back(number_of(envelope.frame));
        }
        if (!numbers.empty() && numbers.back() == kCount) {
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_FALSE(numbers.empty());
    ASSERT_EQ(numbers.back(), kCount) << "B did not read its route to the end";
    const std::uint32_t first = numbers.front();
    ASSERT_GT(first, 1u) << "the mock dropped nothing: the test no longer tests anything";
    // What was left arrives in order; what was gone (records 1 to first - 1) is counted.
    for (std::size_t i = 0; i < numbers.size(); ++i) {
        EXPECT_EQ(numbers[i], first + i);
    }
    EXPECT_EQ(skipped_records("node") - skipped_before, first - 1);
}

/// Records node messages; the first one it gets takes `stall` to handle.
class StallingListener final : public TransportListener {
  public:
    explicit StallingListener(std::chrono::milliseconds stall) : stall_(stall) {}
    void on_node_message(Envelope envelope) override {
        if (!stalled_.exchange(true)) {
            std::this_thread::sleep_for(stall_);
        }
        recorded.on_node_message(std::move(envelope));
    }
    void on_group_message(GroupId group, Frame frame) override {
        recorded.on_group_message(group, std::move(frame));
    }

    RecordingListener recorded;

  private:
    std::chrono::milliseconds stall_;
    std::atomic<bool> stalled_{false};
};

TEST_F(KafkaTransportTest, ARecordIsHandedOverOnceWhenTheGroupTakesItsPartitionBack) {
    // The timer never commits here, and a handler that takes longer than max.poll.interval.ms
    // makes the consumer leave its group with nothing committed: when the group gives the
    // partition back, consumption starts again at its first record.
    const std::string settings = "brokers: \"" + shared_kafka() + "\"\ntopic_prefix: \"" + prefix_ +
                                 "\"\ngroup_prefix: \"" + prefix_ +
                                 "\"\nproperties:\n"
                                 "  session.timeout.ms: \"3000\"\n"
                                 "  heartbeat.interval.ms: \"300\"\n"
                                 "  max.poll.interval.ms: \"3000\"\n"
                                 "  auto.commit.interval.ms: \"60000\"\n";
    const std::uint64_t skipped_before = skipped_records("node");
    auto sender = start_nodes({"S"});
    StallingListener listener(5s);
    PluginTestHost host;
    host.load("transport", "kafka", settings);
    host.transport->start("A", listener);

    for (std::uint32_t n = 1; n <= 3; ++n) {
        publish(*sender[0]->transport, "A", deliver_to(40, n));
    }
    ASSERT_TRUE(listener.recorded.wait_envelopes(3));
    std::this_thread::sleep_for(5s);  // room for the replay to show up
    std::vector<std::uint32_t> numbers;
    for (const Envelope& envelope : listener.recorded.envelopes()) {
        numbers.push_back(number_of(envelope.frame));
    }
    EXPECT_EQ(numbers, (std::vector<std::uint32_t>{1, 2, 3}));
    // Taken away and given back without a commit: resuming behind its last record is no jump.
    EXPECT_EQ(skipped_records("node"), skipped_before);
    host.transport->stop();
}

TEST_F(KafkaTransportTest, MalformedRecordsAreSkipped) {
    auto nodes = start_nodes({"A", "B"});
    KafkaNode& a = *nodes[0];
    KafkaNode& b = *nodes[1];

    // A plain librdkafka producer writes what no transport would.
    char error[512] = "";
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    ASSERT_EQ(
        rd_kafka_conf_set(conf, "bootstrap.servers", shared_kafka().c_str(), error, sizeof(error)),
        RD_KAFKA_CONF_OK);
    rd_kafka_t* raw = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    ASSERT_NE(raw, nullptr) << error;
    const std::string topic = prefix_ + "node.B";
    const std::string key = "40";
    auto produce = [&](std::string value, const std::vector<std::uint8_t>& header) {
        rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
        if (!header.empty()) {
            rd_kafka_header_add(headers, "parley-envelope", -1, header.data(), header.size());
        }
        std::vector<rd_kafka_vu_t> fields(5);
        fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        fields[0].u.cstr = topic.c_str();
        fields[1].vtype = RD_KAFKA_VTYPE_KEY;
        fields[1].u.mem.ptr = const_cast<char*>(key.data());
        fields[1].u.mem.size = key.size();
        fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
        fields[2].u.mem.ptr = value.data();
        fields[2].u.mem.size = value.size();
        fields[3].vtype = RD_KAFKA_VTYPE_HEADERS;
        fields[3].u.headers = headers;
        // Without F_COPY librdkafka reads `value` after this returns, when it is gone.
        fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        fields[4].u.i = RD_KAFKA_MSG_F_COPY;
        rd_kafka_error_t* failed = rd_kafka_produceva(raw, fields.data(), fields.size());
        ASSERT_EQ(failed, nullptr) << rd_kafka_error_string(failed);
    };
    std::vector<std::uint8_t> good_header = {1, 1, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1};
    std::vector<std::uint8_t> future_header = good_header;
    future_header[0] = 9;
    // A frame with an empty body: magic, length 13, type, sender, receiver.
    std::string empty_frame(14, '\0');
    empty_frame[0] = static_cast<char>(0xAB);
    empty_frame[4] = 13;
    empty_frame[5] = 4;
    std::string lying_frame = empty_frame + "xyz";  // three bytes more than its length says
    produce("not an envelope", {});                 // no header
    produce(empty_frame, future_header);            // unknown version
    produce(lying_frame, good_header);              // length field lies
    produce("", {good_header.begin(), good_header.begin() + 5});           // short header
    produce(empty_frame, {1, 7, 0, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0, 1});  // unknown kind
    ASSERT_EQ(rd_kafka_flush(raw, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_destroy(raw);

    publish(*a.transport, "B", deliver_to(40, 1));
    ASSERT_TRUE(b.listener.wait_envelopes(1));
    std::this_thread::sleep_for(500ms);
    const auto received = b.listener.envelopes();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(number_of(received[0].frame), 1u);
}

TEST_F(KafkaTransportTest, StartFailsClearlyWhenBrokersAreUnreachable) {
    const std::string nobody = "127.0.0.1:" + std::to_string(free_loopback_port());
    KafkaNode a(kafka_settings(nobody, prefix_, "10s", "2s"));
    const auto before = Clock::now();
    try {
        a.start("A");
        FAIL() << "started without brokers";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(e.what(), HasSubstr(nobody));
    }
    EXPECT_LT(Clock::now() - before, 5s);
}

TEST_F(KafkaTransportTest, RefusesBadSettings) {
    auto refused = [](const std::string& yaml) -> std::string {
        PluginTestHost host;
        try {
            host.load("transport", "kafka", yaml);
        } catch (const ConfigError& e) {
            return e.what();
        }
        return "(accepted)";
    };
    EXPECT_THAT(refused("topic_prefix: x.\n"), HasSubstr("brokers"));
    EXPECT_THAT(refused("brokers: \"h:1\"\nbrokerz: x\n"), HasSubstr("did you mean 'brokers'"));
    EXPECT_THAT(refused("brokers: \"h:1\"\nproperties:\n  bogus.prop: \"1\"\n"),
                HasSubstr("No such configuration property: \"bogus.prop\""));
    EXPECT_THAT(refused("brokers: \"h:1\"\nproperties:\n  linger.ms: banana\n"),
                HasSubstr("Invalid value"));
    EXPECT_THAT(refused("brokers: \"h:1\"\nproperties:\n  group.id: mine\n"),
                HasSubstr("set by transport-kafka itself"));
    EXPECT_THAT(refused("brokers: \"h:1\"\ntopic_prefix: \"a b\"\n"),
                HasSubstr("cannot be part of a Kafka topic name"));
    EXPECT_THAT(refused("brokers: \"h:1\"\npartitions: 0\n"), HasSubstr("out of range"));
    EXPECT_EQ(refused("brokers: [\"h:1\", \"h:2\"]\nproperties:\n  linger.ms: \"20\"\n"),
              "(accepted)");
}

/// A cluster of its own: these tests take its brokers down.
class KafkaOutageTest : public ::testing::Test {
  protected:
    KafkaMock mock;
    const std::string prefix_ = unique_prefix('.');
};

TEST_F(KafkaOutageTest, PublishFailsWithinMessageTimeoutWhileBrokersAreDown) {
    KafkaNode a(kafka_settings(mock.bootstrap(), prefix_, "3s"));
    a.start("A");
    publish(*a.transport, "A", deliver_to(1, 1));
    ASSERT_TRUE(a.listener.wait_envelopes(1));

    mock.broker_down(-1);
    const auto before = Clock::now();
    try {
        publish(*a.transport, "A", deliver_to(1, 2));
        FAIL() << "Kafka accepted a message with every broker down";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
        EXPECT_THAT(e.what(), HasSubstr("node 'A'"));
    }
    const auto took = Clock::now() - before;
    EXPECT_GE(took, 2500ms);
    EXPECT_LT(took, 6s);

    // Back up: publishing works again.
    mock.broker_up(-1);
    publish(*a.transport, "A", deliver_to(1, 3));
    ASSERT_TRUE(a.listener.wait_envelopes(2));
    EXPECT_EQ(number_of(a.listener.envelopes().back().frame), 3u);
}

TEST_F(KafkaOutageTest, BrokersBackInTimeDeliverOrFailLoudly) {
    KafkaNode a(kafka_settings(mock.bootstrap(), prefix_, "6s"));
    a.start("A");

    mock.broker_down(-1);
    auto result =
        std::async(std::launch::async, [&] { publish(*a.transport, "A", deliver_to(1, 5)); });
    std::this_thread::sleep_for(1s);
    mock.broker_up(-1);

    // Nothing silent: the publish completes one way or the other within message_timeout.
    ASSERT_EQ(result.wait_for(10s), std::future_status::ready);
    try {
        result.get();
        RecordProperty("outcome", "delivered");
        ASSERT_TRUE(a.listener.wait_envelopes(1)) << "accepted but never consumed";
        EXPECT_EQ(number_of(a.listener.envelopes()[0].frame), 5u);
    } catch (const Error& e) {
        RecordProperty("outcome", "failed");
        EXPECT_EQ(e.code(), ErrorCode::backend_unavailable);
    }
    const auto before = Clock::now();
    a.transport->stop();
    EXPECT_LT(Clock::now() - before, 3s) << "stop() is not prompt";
}

}  // namespace
}  // namespace parley::test
