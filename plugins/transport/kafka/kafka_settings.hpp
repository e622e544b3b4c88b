#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <parley/config_node.hpp>

namespace parley::plugins::kafka {

/// transport-kafka's settings, validated. docs/plugins/transport-kafka.md describes each.
struct KafkaSettings {
    std::string brokers;  ///< bootstrap list, "host:port,host:port"
    std::string topic_prefix = "parley.";
    std::string group_prefix = "parley.";
    /// For topics this transport creates. One: a route has one consumer, and each partition more
    /// splits its records into smaller batches on more brokers (more requests per message).
    int partitions = 1;
    std::chrono::milliseconds message_timeout{10000};
    std::chrono::milliseconds startup_timeout{15000};
    /// Raw librdkafka properties, in file order; applied over the transport's defaults.
    std::vector<std::pair<std::string, std::string>> properties;

    std::string node_topic(const std::string& node_id) const {
        return topic_prefix + "node." + node_id;
    }
    std::string groups_topic() const { return topic_prefix + "groups"; }
    std::string node_group(const std::string& node_id) const {
        return group_prefix + "node." + node_id;
    }
    std::string groups_group(const std::string& node_id) const {
        return group_prefix + "groups." + node_id;
    }
};

/// Reads and checks the settings: unknown keys, wrong types, librdkafka property names or
/// values it refuses (with librdkafka's own message) and properties the transport sets itself
/// are ConfigErrors, and so is a `node_id` that cannot be part of a topic name.
KafkaSettings read_kafka_settings(const ConfigNode& node, const std::string& node_id);

/// Empty when `name` can be part of a Kafka topic or group name (letters, digits, '.', '_', '-'),
/// otherwise why not.
std::string check_name_part(const std::string& name);

}  // namespace parley::plugins::kafka
