#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <parley/transport.hpp>

#include "kafka_consumer.hpp"
#include "kafka_producer.hpp"
#include "kafka_settings.hpp"
#include "transport_metrics.hpp"

namespace parley::plugins::kafka {

/// The Transport of a cluster, on Kafka (docs/plugins/transport-kafka.md):
/// - node `n`'s route is topic <topic_prefix>node.<n>, consumed by group <group_prefix>node.<n>;
/// - the group route is topic <topic_prefix>groups, consumed by every node in a group of its
///   own, <group_prefix>groups.<n>, which starts at the newest record;
/// - adopt_route(m) joins group <group_prefix>node.<m> too, so Kafka hands each partition of a
///   departed node's route to exactly one of the nodes that adopted it.
///
/// Threads: one producer poll thread, one poll thread per consumer (librdkafka's own besides).
/// Listener calls come from the consumer threads, one at a time per consumer. Thread safe;
/// stop() waits for the consumer threads, so no listener call starts after it returns; do not
/// call stop() from inside a listener call. start() blocks for up to startup_timeout.
class KafkaTransport final : public Transport {
  public:
    explicit KafkaTransport(KafkaSettings settings);
    ~KafkaTransport() override;
    KafkaTransport(const KafkaTransport&) = delete;
    KafkaTransport& operator=(const KafkaTransport&) = delete;

    void start(const std::string& node_id, TransportListener& listener) override;
    asio::awaitable<void> publish_to_node(std::string node_id, Envelope envelope) override;
    asio::awaitable<void> publish_to_group(GroupId group, Frame frame) override;
    void adopt_route(const std::string& node_id) override;
    void release_route(const std::string& node_id) override;
    void stop() override;
    /// Ready while a broker answers a metadata request within a second.
    asio::awaitable<void> check_ready() override;
    /// The record is handed to the idempotent producer as the send's wait starts, before the
    /// caller's executor runs anything else, keyed by recipient: a recipient's records keep
    /// their order in its partition.
    bool publishes_in_order() const override { return true; }

  private:
    std::shared_ptr<KafkaProducer> producer();
    std::unique_ptr<KafkaConsumer> node_route_consumer(const std::string& node_id);
    void on_node_record(const rd_kafka_message_t& message);
    void on_group_record(const rd_kafka_message_t& message);
    void reap_released();
    void shut_down(std::unique_lock<std::mutex>& lock);

    const KafkaSettings settings_;
    std::mutex mutex_;
    std::string node_id_;
    TransportListener* listener_ = nullptr;  ///< set by start(), before any consumer runs
    bool started_ = false;
    bool stopped_ = false;
    std::shared_ptr<KafkaProducer> producer_;
    TransportMetrics metrics_;
    std::unique_ptr<KafkaConsumer> node_consumer_;
    std::unique_ptr<KafkaConsumer> group_consumer_;
    std::map<std::string, std::unique_ptr<KafkaConsumer>> adopted_;
    std::vector<std::unique_ptr<KafkaConsumer>> released_;  ///< closing in their own threads
};

}  // namespace parley::plugins::kafka
