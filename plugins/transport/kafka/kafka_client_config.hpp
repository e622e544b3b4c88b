#pragma once
// librdkafka configurations for the transport's producer and consumers, and the logging they
// share. Settings apply in this order: the transport's defaults, the user's `properties`, then
// what the role needs (group id, offsets handling, idempotence), which users cannot override.

#include <string>
#include <utility>
#include <vector>

#include <librdkafka/rdkafka.h>

#include "kafka_settings.hpp"
#include "rdkafka_ptr.hpp"

namespace parley::plugins::kafka {

/// Empty when librdkafka accepts `name` = `value`, otherwise librdkafka's message.
std::string check_property(const std::string& name, const std::string& value);

/// Empty when librdkafka can create a producer and a consumer from `settings` (it checks
/// combinations that single properties cannot show), otherwise librdkafka's message.
std::string check_client_config(const KafkaSettings& settings);

using PropertyList = std::vector<std::pair<std::string, std::string>>;

/// Base configuration: brokers, client id, logging into spdlog, the transport's defaults and
/// `role_defaults`, then the user's properties over them. Throws std::runtime_error when
/// librdkafka refuses a property (read_kafka_settings checked them already).
RdKafkaPtr<rd_kafka_conf_t> base_config(const KafkaSettings& settings, const std::string& client_id,
                                        const PropertyList& role_defaults);

/// The producer's: base_config plus idempotence (acks=all, retries without duplicates or
/// reordering) and message_timeout as librdkafka's message.timeout.ms.
RdKafkaPtr<rd_kafka_conf_t> producer_config(const KafkaSettings& settings,
                                            const std::string& client_id);

/// A consumer's in consumer group `group`: base_config plus manual offset storing with periodic
/// commits; `from_oldest` picks where a group without a committed offset starts.
RdKafkaPtr<rd_kafka_conf_t> consumer_config(const KafkaSettings& settings,
                                            const std::string& client_id, const std::string& group,
                                            bool from_oldest);

/// Sets `name` = `value` on `conf`; throws std::runtime_error with librdkafka's message.
void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

/// Creates a client from `conf` (which it takes); throws std::runtime_error with librdkafka's
/// message.
RdKafkaPtr<rd_kafka_t> make_client(rd_kafka_type_t type, RdKafkaPtr<rd_kafka_conf_t> conf);

}  // namespace parley::plugins::kafka
