// transport-kafka: nodes of a cluster exchange messages through Kafka topics.

#include <memory>

#include <parley/plugin.hpp>

#include "kafka_settings.hpp"
#include "kafka_transport.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    auto parsed = parley::plugins::kafka::read_kafka_settings(settings);
    if (const std::string problem = parley::plugins::kafka::check_name_part(host.node_id());
        !problem.empty()) {
        settings.fail("transport-kafka names topics after the node id: " + problem);
    }
    host.add(std::make_shared<parley::plugins::kafka::KafkaTransport>(std::move(parsed)));
}

}  // namespace

PARLEY_PLUGIN("transport", "kafka", "cluster transport over Kafka topics", setup)
