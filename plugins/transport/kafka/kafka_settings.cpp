#include "kafka_settings.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "kafka_client_config.hpp"

namespace parley::plugins::kafka {
namespace {

/// Properties that carry the transport's guarantees, and the setting to use instead.
struct Reserved {
    std::string_view property;
    std::string_view instead;
};
constexpr std::array kReserved{
    Reserved{"bootstrap.servers", "the 'brokers' setting"},
    Reserved{"metadata.broker.list", "the 'brokers' setting"},
    Reserved{"group.id", "'group_prefix'"},
    Reserved{"enable.auto.offset.store",
             "nothing: offsets are stored once the node took a message"},
    Reserved{"enable.auto.commit",
             "nothing: stored offsets are committed every "
             "auto.commit.interval.ms and on stop"},
    Reserved{"auto.offset.reset",
             "nothing: node routes start at the oldest message, the group "
             "route at the newest"},
    Reserved{"enable.idempotence", "nothing: the producer is always idempotent"},
    Reserved{"acks", "nothing: the producer always waits for all in-sync replicas"},
    Reserved{"request.required.acks",
             "nothing: the producer always waits for all in-sync replicas"},
    Reserved{"message.timeout.ms", "'message_timeout'"},
    Reserved{"delivery.timeout.ms", "'message_timeout'"},
};

std::string read_brokers(SettingsReader& reader) {
    const ConfigNode& node = reader.require("brokers");
    std::string brokers;
    if (node.is_sequence()) {
        for (const auto& item : node.as_string_list()) {
            brokers += (brokers.empty() ? "" : ",") + item;
        }
    } else {
        brokers = node.as_string();
    }
    if (brokers.empty()) {
        node.fail("brokers must name at least one Kafka broker (host:port)");
    }
    return brokers;
}

std::string read_prefix(SettingsReader& reader, std::string_view key) {
    std::string value = reader.get_string(key, "parley.");
    if (const std::string problem = check_name_part(value); !problem.empty()) {
        reader.find(key)->fail(std::string{key} + " " + problem);
    }
    return value;
}

std::vector<std::pair<std::string, std::string>> read_properties(SettingsReader& reader) {
    std::vector<std::pair<std::string, std::string>> properties;
    const ConfigNode* node = reader.find("properties");
    if (node == nullptr || node->is_null()) {
        return properties;
    }
    if (!node->is_map()) {
        node->fail("properties must be a map of librdkafka property names to values");
    }
    for (const auto& entry : node->entries()) {
        const std::string& name = entry.first;
        const ConfigNode& value = entry.second;
        const auto reserved = std::find_if(kReserved.begin(), kReserved.end(),
                                           [&](const Reserved& r) { return r.property == name; });
        if (reserved != kReserved.end()) {
            value.fail("property '" + name + "' is set by transport-kafka itself; use " +
                       std::string{reserved->instead});
        }
        std::string text = value.as_string();
        if (const std::string problem = check_property(name, text); !problem.empty()) {
            std::string message = "librdkafka refuses property '" + name + "': ";
            message += problem;
            value.fail(message);
        }
        properties.emplace_back(name, std::move(text));
    }
    return properties;
}

}  // namespace

std::string check_name_part(const std::string& name) {
    const bool legal = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
    if (!legal) {
        return "'" + name +
               "' cannot be part of a Kafka topic name (letters, digits, '.', '_' and '-' only)";
    }
    if (name.size() > 200) {
        return "'" + name + "' is too long for a Kafka topic name";
    }
    return {};
}

KafkaSettings read_kafka_settings(const ConfigNode& node, const std::string& node_id) {
    SettingsReader reader(node, "transport-kafka settings");
    KafkaSettings settings;
    settings.brokers = read_brokers(reader);
    settings.topic_prefix = read_prefix(reader, "topic_prefix");
    settings.group_prefix = read_prefix(reader, "group_prefix");
    settings.partitions =
        static_cast<int>(reader.get_int("partitions", settings.partitions, 1, 10000));
    constexpr std::chrono::milliseconds kShortestTimeout{100};
    settings.message_timeout =
        reader.get_duration("message_timeout", settings.message_timeout, kShortestTimeout);
    settings.startup_timeout =
        reader.get_duration("startup_timeout", settings.startup_timeout, kShortestTimeout);
    settings.properties = read_properties(reader);
    reader.finish();
    if (const std::string problem = check_client_config(settings); !problem.empty()) {
        node.fail("librdkafka refuses the configuration: " + problem);
    }
    if (const std::string problem = check_name_part(node_id); !problem.empty()) {
        node.fail("transport-kafka names topics after the node id: " + problem);
    }
    return settings;
}

}  // namespace parley::plugins::kafka
