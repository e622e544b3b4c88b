// transport-kafka: nodes of a cluster exchange messages through Kafka topics.

#include <memory>

#include <parley/plugin.hpp>

#include "kafka_settings.hpp"
#include "kafka_transport.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::kafka;
    host.add(std::make_shared<KafkaTransport>(read_kafka_settings(settings, host.node_id())));
}

}  // namespace

PARLEY_PLUGIN("transport", "kafka", "cluster transport over Kafka topics", setup)
