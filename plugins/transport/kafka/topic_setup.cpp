#include "topic_setup.hpp"

#include <algorithm>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include <parley/error.hpp>

#include "rdkafka_ptr.hpp"

namespace parley::plugins::kafka {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<std::int64_t>(left.count(), 1));
}

struct ClusterView {
    std::set<std::string> topics;  ///< those that exist without error
    bool controller_known = false;
};

/// Every topic in the cluster, and whether the controller is one of its brokers.
ClusterView describe_cluster(rd_kafka_t* rk, const KafkaSettings& settings,
                             Clock::time_point deadline) {
    const rd_kafka_metadata_t* raw = nullptr;
    const auto err = rd_kafka_metadata(rk, 1, nullptr, &raw, remaining_ms(deadline));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw Error(ErrorCode::backend_unavailable,
                    "transport-kafka cannot reach Kafka at " + settings.brokers +
                        " (no answer within startup_timeout " +
                        std::to_string(settings.startup_timeout.count()) +
                        " ms): " + rd_kafka_err2str(err));
    }
    const RdKafkaPtr<const rd_kafka_metadata_t> metadata(raw);
    ClusterView view;
    for (int i = 0; i < metadata->topic_cnt; ++i) {
        if (metadata->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            view.topics.insert(metadata->topics[i].topic);
        }
    }
    const std::int32_t controller = rd_kafka_controllerid(rk, 0);
    for (int i = 0; i < metadata->broker_cnt; ++i) {
        view.controller_known = view.controller_known || metadata->brokers[i].id == controller;
    }
    return view;
}

/// Asks the controller to create `missing`; logs what it refused.
void create_with_admin_api(rd_kafka_t* rk, const std::vector<std::string>& missing,
                           const KafkaSettings& settings, Clock::time_point deadline) {
    char error[512] = "";
    std::vector<RdKafkaPtr<rd_kafka_NewTopic_t>> owned;
    std::vector<rd_kafka_NewTopic_t*> requests;
    for (const auto& topic : missing) {
        owned.emplace_back(
            rd_kafka_NewTopic_new(topic.c_str(), settings.partitions, -1, error, sizeof(error)));
        if (!owned.back()) {
            spdlog::warn("transport-kafka: cannot ask for topic '{}': {}", topic, error);
            owned.pop_back();
            continue;
        }
        requests.push_back(owned.back().get());
    }
    const RdKafkaPtr<rd_kafka_AdminOptions_t> options(
        rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS));
    rd_kafka_AdminOptions_set_request_timeout(options.get(), remaining_ms(deadline), error,
                                              sizeof(error));
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), remaining_ms(deadline), error,
                                                sizeof(error));
    const RdKafkaPtr<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk));
    rd_kafka_CreateTopics(rk, requests.data(), requests.size(), options.get(), queue.get());
    const RdKafkaPtr<rd_kafka_event_t> event(
        rd_kafka_queue_poll(queue.get(), remaining_ms(deadline)));
    if (!event) {
        spdlog::warn("transport-kafka: creating topics timed out");
        return;
    }
    if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("transport-kafka: creating topics failed: {}",
                     rd_kafka_event_error_string(event.get()));
        return;
    }
    const auto* result = rd_kafka_event_CreateTopics_result(event.get());
    std::size_t count = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto err = rd_kafka_topic_result_error(topics[i]);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            spdlog::info("transport-kafka: created topic '{}' with {} partitions",
                         rd_kafka_topic_result_name(topics[i]), settings.partitions);
        } else if (err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            spdlog::warn("transport-kafka: cannot create topic '{}': {}",
                         rd_kafka_topic_result_name(topics[i]),
                         rd_kafka_topic_result_error_string(topics[i]));
        }
    }
}

/// Asks for the topic's metadata as a producer does, which lets the broker auto-create it.
/// Returns "" once the topic exists, otherwise the broker's reason.
std::string request_auto_creation(rd_kafka_t* rk, const std::string& topic,
                                  Clock::time_point deadline) {
    const RdKafkaPtr<rd_kafka_topic_t> handle(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    const auto err = rd_kafka_metadata(rk, 0, handle.get(), &raw, remaining_ms(deadline));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return rd_kafka_err2str(err);
    }
    const RdKafkaPtr<const rd_kafka_metadata_t> metadata(raw);
    if (metadata->topic_cnt != 1) {
        return "no metadata for the topic";
    }
    const auto& found = metadata->topics[0];
    if (found.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return rd_kafka_err2str(found.err);
    }
    return found.partition_cnt > 0 ? std::string{} : std::string{"the topic has no partitions"};
}

}  // namespace

void ensure_topics(rd_kafka_t* rk, const std::vector<std::string>& topics,
                   const KafkaSettings& settings, Clock::time_point deadline) {
    const ClusterView view = describe_cluster(rk, settings, deadline);
    std::vector<std::string> missing;
    std::copy_if(topics.begin(), topics.end(), std::back_inserter(missing),
                 [&](const std::string& topic) { return !view.topics.contains(topic); });
    if (missing.empty()) {
        return;
    }
    if (view.controller_known) {
        create_with_admin_api(rk, missing, settings, deadline);
    } else {
        spdlog::info(
            "transport-kafka: the cluster at {} names no controller (librdkafka's mock "
            "does not); relying on topic auto-creation",
            settings.brokers);
    }
    for (const auto& topic : missing) {
        for (;;) {
            const std::string problem = request_auto_creation(rk, topic, deadline);
            if (problem.empty()) {
                break;
            }
            if (Clock::now() + 200ms >= deadline) {
                std::string message = "transport-kafka: topic '" + topic + "' does not exist at ";
                message += settings.brokers + " and could not be created: ";
                message += problem;
                throw Error(ErrorCode::backend_unavailable, message);
            }
            std::this_thread::sleep_for(200ms);
        }
    }
}

}  // namespace parley::plugins::kafka
