#pragma once
// Owning pointers for librdkafka's C objects.

#include <memory>

#include <librdkafka/rdkafka.h>

namespace parley::plugins::kafka {

struct RdKafkaDeleter {
    void operator()(rd_kafka_t* p) const noexcept { rd_kafka_destroy(p); }
    void operator()(rd_kafka_conf_t* p) const noexcept { rd_kafka_conf_destroy(p); }
    void operator()(rd_kafka_message_t* p) const noexcept { rd_kafka_message_destroy(p); }
    void operator()(rd_kafka_queue_t* p) const noexcept { rd_kafka_queue_destroy(p); }
    void operator()(rd_kafka_event_t* p) const noexcept { rd_kafka_event_destroy(p); }
    void operator()(rd_kafka_topic_t* p) const noexcept { rd_kafka_topic_destroy(p); }
    void operator()(rd_kafka_error_t* p) const noexcept { rd_kafka_error_destroy(p); }
    void operator()(rd_kafka_headers_t* p) const noexcept { rd_kafka_headers_destroy(p); }
    void operator()(const rd_kafka_metadata_t* p) const noexcept { rd_kafka_metadata_destroy(p); }
    void operator()(rd_kafka_topic_partition_list_t* p) const noexcept {
        rd_kafka_topic_partition_list_destroy(p);
    }
    void operator()(rd_kafka_AdminOptions_t* p) const noexcept { rd_kafka_AdminOptions_destroy(p); }
    void operator()(rd_kafka_NewTopic_t* p) const noexcept { rd_kafka_NewTopic_destroy(p); }
};

template <typename T>
using RdKafkaPtr = std::unique_ptr<T, RdKafkaDeleter>;

}  // namespace parley::plugins::kafka
