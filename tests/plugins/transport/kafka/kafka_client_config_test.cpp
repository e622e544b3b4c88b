// The settings and librdkafka configurations transport-kafka builds: the latency defaults a
// relayed message depends on, the user's properties over them, and the guarantees no property
// changes.

#include "kafka_client_config.hpp"

#include <string>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <parley/config_node.hpp>

namespace parley::plugins::kafka {
namespace {

std::string value_of(rd_kafka_conf_t* conf, const char* name) {
    char value[256] = "";
    std::size_t size = sizeof(value);
    if (rd_kafka_conf_get(conf, name, value, &size) != RD_KAFKA_CONF_OK) {
        return "<unknown property>";
    }
    return value;
}

KafkaSettings settings_with(PropertyList properties) {
    KafkaSettings settings;
    settings.brokers = "127.0.0.1:1";
    settings.properties = std::move(properties);
    return settings;
}

TEST(KafkaClientConfig, ConsumersHoldAnEmptyFetchForAtMostFiveMilliseconds) {
    // librdkafka's 500 ms default is what the Kafka mock held every relayed record for.
    const auto conf = consumer_config(settings_with({}), "parley-test", "group", true);
    EXPECT_EQ(value_of(conf.get(), "fetch.wait.max.ms"), "5");
    EXPECT_EQ(value_of(conf.get(), "socket.nagle.disable"), "true");
}

TEST(KafkaClientConfig, ProducerLingersFiveMillisecondsAndStaysIdempotent) {
    const auto conf = producer_config(settings_with({}), "parley-test");
    EXPECT_EQ(value_of(conf.get(), "linger.ms"), "5");
    EXPECT_EQ(value_of(conf.get(), "socket.nagle.disable"), "true");
    EXPECT_EQ(value_of(conf.get(), "enable.idempotence"), "true");
    EXPECT_EQ(value_of(conf.get(), "acks"), "-1");  // all in-sync replicas
}

TEST(KafkaClientConfig, PropertiesOverrideTheLatencyDefaults) {
    const auto settings = settings_with({{"fetch.wait.max.ms", "100"}, {"linger.ms", "20"}});
    const auto consumer = consumer_config(settings, "parley-test", "group", false);
    const auto producer = producer_config(settings, "parley-test");
    EXPECT_EQ(value_of(consumer.get(), "fetch.wait.max.ms"), "100");
    EXPECT_EQ(value_of(producer.get(), "linger.ms"), "20");
    // Offsets are still stored by the transport only once a record was handed over.
    EXPECT_EQ(value_of(consumer.get(), "enable.auto.offset.store"), "false");
}

KafkaSettings settings_from(const std::string& yaml) {
    return read_kafka_settings(ConfigNode::parse_string(yaml, "test"), "node-1");
}

TEST(KafkaSettingsTest, PartitionsDefaultToOne) {
    // One consumer reads a route; more partitions only split its records into smaller batches
    // on more brokers (docs/performance.md, "Cluster").
    EXPECT_EQ(settings_from("brokers: \"h:1\"\n").partitions, 1);
    EXPECT_EQ(settings_from("brokers: \"h:1\"\npartitions: 6\n").partitions, 6);
}

}  // namespace
}  // namespace parley::plugins::kafka
