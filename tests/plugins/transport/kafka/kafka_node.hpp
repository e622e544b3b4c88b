#pragma once
// transport-kafka as one node of a cluster loads it, and the settings tests give it.

#include <memory>
#include <string>

#include <parley/transport.hpp>

#include "plugins/plugin_test_host.hpp"
#include "plugins/transport/recording_listener.hpp"

namespace parley::test {

/// One node's transport, loaded from the built plugin. The listener outlives the transport.
struct KafkaNode {
    explicit KafkaNode(const std::string& settings) {
        host.load("transport", "kafka", settings);
        transport = host.transport;
    }
    void start(const std::string& id) { transport->start(id, listener); }

    RecordingListener listener;
    PluginTestHost host;
    std::shared_ptr<Transport> transport;
};

inline std::string kafka_settings(const std::string& brokers, const std::string& prefix,
                                  const std::string& message_timeout = "10s",
                                  const std::string& startup_timeout = "30s") {
    return "brokers: \"" + brokers + "\"\n" + "topic_prefix: \"" + prefix + "\"\n" +
           "group_prefix: \"" + prefix + "\"\n" + "message_timeout: " + message_timeout + "\n" +
           "startup_timeout: " + startup_timeout + "\n" +
           // The mock waits this long for a group's members to rejoin; Kafka's 45 s default
           // would make every rebalance slow.
           "properties:\n  session.timeout.ms: \"6000\"\n  heartbeat.interval.ms: \"500\"\n";
}

}  // namespace parley::test
