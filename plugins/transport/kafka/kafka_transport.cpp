#include "kafka_transport.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <variant>

#include <spdlog/spdlog.h>

#include <parley/error.hpp>
#include <parley/foreign_completion.hpp>

#include "envelope_codec.hpp"
#include "topic_setup.hpp"

namespace parley::plugins::kafka {
namespace {

using Clock = std::chrono::steady_clock;

/// How long stop() lets records in flight finish before failing them.
constexpr std::chrono::milliseconds kProducerCloseGrace{2000};
/// How long a readiness check waits for a broker: inside /readyz's 2 s.
constexpr std::chrono::milliseconds kReadinessTimeout{1000};

/// Decodes `message`; logs and returns nothing when it is malformed.
std::optional<DecodedRecord> decode(const rd_kafka_message_t& message) {
    std::optional<std::span<const std::uint8_t>> header;
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(&message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const void* value = nullptr;
        std::size_t size = 0;
        if (rd_kafka_header_get_last(headers, kEnvelopeHeaderName, &value, &size) ==
            RD_KAFKA_RESP_ERR_NO_ERROR) {
            header.emplace(static_cast<const std::uint8_t*>(value), size);
        }
    }
    const std::span<const std::uint8_t> payload(static_cast<const std::uint8_t*>(message.payload),
                                                message.payload == nullptr ? 0 : message.len);
    auto decoded = decode_record(header, payload);
    if (auto* problem = std::get_if<std::string>(&decoded)) {
        spdlog::warn(
            "transport-kafka: skipping a malformed record in topic '{}' [{}] at offset "
            "{}: {}",
            rd_kafka_topic_name(message.rkt), message.partition, message.offset, *problem);
        return std::nullopt;
    }
    return std::get<DecodedRecord>(std::move(decoded));
}

/// What `message` took on the wire: key, envelope header and value (the header counted at its
/// current size).
std::size_t record_bytes(const rd_kafka_message_t& message) {
    return message.key_len + kEnvelopeHeaderSize + (message.payload == nullptr ? 0 : message.len);
}

void check_node_id(const std::string& node_id) {
    if (const std::string problem = check_name_part(node_id); !problem.empty() || node_id.empty()) {
        throw Error(ErrorCode::backend_unavailable,
                    "transport-kafka: node id " + (node_id.empty() ? "'' is empty" : problem));
    }
}

}  // namespace

KafkaTransport::KafkaTransport(KafkaSettings settings) : settings_(std::move(settings)) {}

KafkaTransport::~KafkaTransport() {
    stop();
}

void KafkaTransport::start(const std::string& node_id, TransportListener& listener) {
    check_node_id(node_id);
    std::unique_lock lock(mutex_);
    if (started_) {
        throw Error(ErrorCode::backend_unavailable, "transport-kafka is already started");
    }
    started_ = true;
    node_id_ = node_id;
    listener_ = &listener;
    const auto deadline = Clock::now() + settings_.startup_timeout;
    try {
        producer_ = std::make_shared<KafkaProducer>(settings_, "parley-" + node_id);
        ensure_topics(producer_->handle(),
                      {settings_.node_topic(node_id), settings_.groups_topic()}, settings_,
                      deadline);
        node_consumer_ = node_route_consumer(node_id);
        group_consumer_ = std::make_unique<KafkaConsumer>(
            settings_, "parley-" + node_id,
            ConsumerSpec{settings_.groups_topic(), settings_.groups_group(node_id), false,
                         "group route"},
            [this](const rd_kafka_message_t& message) { on_group_record(message); },
            [this](std::int64_t records) {
                metrics_.skipped(TransportMetrics::Route::group, records);
            });
        for (KafkaConsumer* consumer : {node_consumer_.get(), group_consumer_.get()}) {
            if (!consumer->wait_assigned(deadline)) {
                throw Error(ErrorCode::backend_unavailable,
                            "transport-kafka: consumer group '" + consumer->spec().group +
                                "' got no partitions of topic '" + consumer->spec().topic +
                                "' from Kafka at " + settings_.brokers +
                                " within startup_timeout " +
                                std::to_string(settings_.startup_timeout.count()) + " ms");
            }
        }
    } catch (const Error&) {
        shut_down(lock);
        throw;
    } catch (const std::exception& e) {
        shut_down(lock);
        throw Error(ErrorCode::backend_unavailable,
                    std::string{"transport-kafka cannot start: "} + e.what());
    }
    spdlog::info("transport-kafka: node '{}' consumes topics '{}' and '{}' at {}", node_id,
                 settings_.node_topic(node_id), settings_.groups_topic(), settings_.brokers);
}

std::unique_ptr<KafkaConsumer> KafkaTransport::node_route_consumer(const std::string& node_id) {
    return std::make_unique<KafkaConsumer>(
        settings_, "parley-" + node_id_,
        ConsumerSpec{settings_.node_topic(node_id), settings_.node_group(node_id), true,
                     "route of node '" + node_id + "'"},
        [this](const rd_kafka_message_t& message) { on_node_record(message); },
        [this](std::int64_t records) { metrics_.skipped(TransportMetrics::Route::node, records); });
}

std::shared_ptr<KafkaProducer> KafkaTransport::producer() {
    std::lock_guard lock(mutex_);
    if (stopped_) {
        throw Error(ErrorCode::backend_unavailable, "transport-kafka is stopped");
    }
    if (!producer_) {
        throw Error(ErrorCode::backend_unavailable, "transport-kafka is not started");
    }
    return producer_;
}

asio::awaitable<void> KafkaTransport::check_ready() {
    std::shared_ptr<KafkaProducer> asked = producer();  // throws when not started or stopped
    const std::string brokers = settings_.brokers;
    // The metadata request blocks: it runs on a thread of its own, bounded by its time-out.
    auto ask = [asked = std::move(asked), brokers](const Completer<void>& done) {
        std::thread([asked, brokers, done] {
            if (const auto why = asked->unreachable(kReadinessTimeout)) {
                done.set_exception(std::make_exception_ptr(
                    Error(ErrorCode::backend_unavailable, "Kafka at " + brokers + ": " + *why)));
            } else {
                done.set_value();
            }
        }).detach();
    };
    co_await await_foreign<void>(std::move(ask));
}

asio::awaitable<void> KafkaTransport::publish_to_node(std::string node_id, Envelope envelope) {
    check_node_id(node_id);
    auto sender = producer();
    OutgoingRecord out{settings_.node_topic(node_id), "node '" + node_id + "'",
                       encode_envelope(std::move(envelope))};
    const std::size_t bytes = record_bytes(out.record);
    co_await sender->send(std::move(out));
    metrics_.sent(TransportMetrics::Route::node, bytes);
}

asio::awaitable<void> KafkaTransport::publish_to_group(GroupId group, Frame frame) {
    auto sender = producer();
    OutgoingRecord out{settings_.groups_topic(), "group " + std::to_string(group),
                       encode_group_message(group, std::move(frame))};
    const std::size_t bytes = record_bytes(out.record);
    co_await sender->send(std::move(out));
    metrics_.sent(TransportMetrics::Route::group, bytes);
}

void KafkaTransport::on_node_record(const rd_kafka_message_t& message) {
    metrics_.received(TransportMetrics::Route::node, record_bytes(message));
    auto record = decode(message);
    if (!record) {
        return;
    }
    if (record->kind == RecordKind::group) {
        spdlog::warn(
            "transport-kafka: skipping a group record on node route '{}' [{}] at offset {}",
            rd_kafka_topic_name(message.rkt), message.partition, message.offset);
        return;
    }
    listener_->on_node_message(std::move(*record).to_envelope());
}

void KafkaTransport::on_group_record(const rd_kafka_message_t& message) {
    metrics_.received(TransportMetrics::Route::group, record_bytes(message));
    auto record = decode(message);
    if (!record) {
        return;
    }
    if (record->kind != RecordKind::group) {
        spdlog::warn("transport-kafka: skipping a node record on the group route [{}] at offset {}",
                     message.partition, message.offset);
        return;
    }
    listener_->on_group_message(record->recipient, std::move(record->frame));
}

void KafkaTransport::adopt_route(const std::string& node_id) {
    check_node_id(node_id);
    std::lock_guard lock(mutex_);
    if (!started_ || stopped_ || !node_consumer_ || node_id == node_id_ ||
        adopted_.contains(node_id)) {
        return;
    }
    reap_released();
    // Not waiting for the assignment: the group hands this member its share when it is ready.
    adopted_.emplace(node_id, node_route_consumer(node_id));
    spdlog::info("transport-kafka: consuming the route of departed node '{}' (group '{}')", node_id,
                 settings_.node_group(node_id));
}

void KafkaTransport::release_route(const std::string& node_id) {
    std::lock_guard lock(mutex_);
    auto found = adopted_.find(node_id);
    if (found == adopted_.end()) {
        return;
    }
    // The consumer leaves the group and commits in its own thread; stop() waits for it.
    found->second->request_stop();
    released_.push_back(std::move(found->second));
    adopted_.erase(found);
    reap_released();
    spdlog::info("transport-kafka: node '{}' is back; no longer consuming its route", node_id);
}

void KafkaTransport::reap_released() {
    std::erase_if(released_, [](const std::unique_ptr<KafkaConsumer>& consumer) {
        if (!consumer->finished()) {
            return false;
        }
        consumer->stop();  // joins a thread that has already finished
        return true;
    });
}

void KafkaTransport::stop() {
    std::unique_lock lock(mutex_);
    if (stopped_) {
        return;
    }
    shut_down(lock);
}

void KafkaTransport::shut_down(std::unique_lock<std::mutex>& lock) {
    stopped_ = true;
    std::vector<std::unique_ptr<KafkaConsumer>> consumers = std::move(released_);
    for (auto& [id, consumer] : adopted_) {
        consumers.push_back(std::move(consumer));
    }
    adopted_.clear();
    consumers.push_back(std::move(node_consumer_));
    consumers.push_back(std::move(group_consumer_));
    std::shared_ptr<KafkaProducer> producer = std::move(producer_);
    lock.unlock();
    // All consumers stop handing out records at once, then close in parallel (each in its own
    // thread): stop() takes as long as the slowest, not the sum.
    for (auto& consumer : consumers) {
        if (consumer) {
            consumer->request_stop();
        }
    }
    consumers.clear();  // joins
    if (producer) {
        producer->close(kProducerCloseGrace);
    }
    lock.lock();
}

}  // namespace parley::plugins::kafka
