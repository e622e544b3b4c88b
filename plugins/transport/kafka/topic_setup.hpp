#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "kafka_settings.hpp"

namespace parley::plugins::kafka {

/// Makes sure `topics` exist, using the client `rk` (a producer, which may ask brokers to
/// auto-create topics). Missing topics are created with the Admin API (settings.partitions
/// partitions, the broker's default replication) when the cluster names a controller, and
/// otherwise, or when that fails, through the broker's auto-creation (librdkafka's mock
/// cluster has no controller and creates topics with 4 partitions).
///
/// Throws Error(backend_unavailable) naming the brokers when they cannot be reached or a topic
/// still does not exist at `deadline`. Blocks; call at start-up only.
void ensure_topics(rd_kafka_t* rk, const std::vector<std::string>& topics,
                   const KafkaSettings& settings, std::chrono::steady_clock::time_point deadline);

}  // namespace parley::plugins::kafka
