#include "kafka_consumer.hpp"

#include <algorithm>
#include <cstring>

#include <spdlog/spdlog.h>

#include "kafka_client_config.hpp"

namespace parley::plugins::kafka {
namespace {

using namespace std::chrono_literals;

/// How long closing may take (leave the group, commit) before the client is dropped anyway.
constexpr auto kCloseTimeout = 2000ms;
/// For the broker round trips that resolve start offsets during an assignment.
constexpr int kOffsetQueryTimeoutMs = 5000;

bool cooperative(rd_kafka_t* rk) {
    return std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
}

}  // namespace

KafkaConsumer::KafkaConsumer(const KafkaSettings& settings, const std::string& client_id,
                             ConsumerSpec spec, Handler handler, SkipHandler on_skipped)
    : spec_(std::move(spec)), handler_(std::move(handler)), on_skipped_(std::move(on_skipped)) {
    auto conf = consumer_config(settings, client_id, spec_.group, spec_.from_oldest);
    rd_kafka_conf_set_rebalance_cb(conf.get(), &KafkaConsumer::on_rebalance);
    rd_kafka_conf_set_opaque(conf.get(), this);
    client_ = make_client(RD_KAFKA_CONSUMER, std::move(conf));
    // Everything, the error callback included, is served by consumer_poll on our thread.
    rd_kafka_poll_set_consumer(client_.get());
    const RdKafkaPtr<rd_kafka_topic_partition_list_t> topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), spec_.topic.c_str(), RD_KAFKA_PARTITION_UA);
    if (const auto err = rd_kafka_subscribe(client_.get(), topics.get()); err) {
        throw std::runtime_error("cannot subscribe to topic '" + spec_.topic +
                                 "': " + rd_kafka_err2str(err));
    }
    poller_ = std::thread([this] { run(); });
}

KafkaConsumer::~KafkaConsumer() {
    stop();
}

void KafkaConsumer::stop() {
    request_stop();
    if (poller_.joinable()) {
        poller_.join();
    }
}

bool KafkaConsumer::wait_assigned(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return assigned_changed_.wait_until(lock, deadline, [this] { return assigned_; });
}

void KafkaConsumer::run() {
    while (!stop_requested_) {
        const RdKafkaPtr<rd_kafka_message_t> message(rd_kafka_consumer_poll(client_.get(), 100));
        if (!message) {
            continue;
        }
        if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                spdlog::warn("transport-kafka: consumer of the {} (topic '{}'): {}", spec_.what,
                             spec_.topic, rd_kafka_message_errstr(message.get()));
            }
            continue;
        }
        if (stop_requested_) {
            break;  // stopping: this record stays uncommitted for the next owner
        }
        if (handed_before(*message)) {
            spdlog::debug("transport-kafka: {} [{}] offset {} was handed over already; skipped",
                          spec_.topic, message->partition, message->offset);
            store_offset(*message);
            continue;
        }
        note_jump(*message);
        deliver(*message);
        next_unhanded_[message->partition] = message->offset + 1;
        jump_base_[message->partition] = message->offset + 1;
        store_offset(*message);
    }
    close();
    finished_ = true;
}

bool KafkaConsumer::handed_before(const rd_kafka_message_t& message) const {
    const auto found = next_unhanded_.find(message.partition);
    return found != next_unhanded_.end() && message.offset < found->second;
}

void KafkaConsumer::note_jump(const rd_kafka_message_t& message) {
    const auto found = jump_base_.find(message.partition);
    if (found == jump_base_.end() || message.offset <= found->second) {
        return;
    }
    // Nothing else moves a position forward: the producer is not transactional and the topics
    // are not compacted, so the records in between were removed before they were read.
    const std::int64_t skipped = message.offset - found->second;
    spdlog::warn(
        "transport-kafka: {} record(s) of the {} (topic '{}' [{}], offsets {} to {}) were gone "
        "before this node read them: the topic's retention is shorter than the node was behind",
        skipped, spec_.what, spec_.topic, message.partition, found->second, message.offset - 1);
    on_skipped_(skipped);
}

void KafkaConsumer::deliver(const rd_kafka_message_t& message) {
    try {
        handler_(message);
    } catch (const std::exception& e) {
        // The node had its chance at the record; holding the partition on it would stop
        // everything behind it.
        spdlog::error(
            "transport-kafka: handling a record of topic '{}' [{}] at offset {} failed: {}",
            spec_.topic, message.partition, message.offset, e.what());
    }
}

void KafkaConsumer::store_offset(const rd_kafka_message_t& message) {
    const RdKafkaPtr<rd_kafka_topic_partition_list_t> offsets(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(offsets.get(), rd_kafka_topic_name(message.rkt),
                                      message.partition)
        ->offset = message.offset + 1;
    if (const auto err = rd_kafka_offsets_store(client_.get(), offsets.get()); err) {
        // The partition was revoked meanwhile; its next owner sees the record again.
        spdlog::debug("transport-kafka: offset of topic '{}' [{}] not stored: {}", spec_.topic,
                      message.partition, rd_kafka_err2str(err));
    }
}

void KafkaConsumer::on_rebalance(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque) {
    static_cast<KafkaConsumer*>(opaque)->rebalance(err, partitions);
}

void KafkaConsumer::rebalance(rd_kafka_resp_err_t err,
                              rd_kafka_topic_partition_list_t* partitions) {
    rd_kafka_t* rk = client_.get();
    const bool incremental = cooperative(rk);
    rd_kafka_error_t* error = nullptr;
    rd_kafka_resp_err_t legacy = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        resolve_start_offsets(partitions);
        if (incremental) {
            error = rd_kafka_incremental_assign(rk, partitions);
        } else {
            legacy = rd_kafka_assign(rk, partitions);
        }
        spdlog::debug("transport-kafka: {} partition(s) of topic '{}' assigned in group '{}'",
                      partitions->cnt, spec_.topic, spec_.group);
        {
            std::lock_guard lock(mutex_);
            assigned_ = true;
        }
        assigned_changed_.notify_all();
    } else {
        if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
            spdlog::warn("transport-kafka: rebalance of group '{}' failed: {}", spec_.group,
                         rd_kafka_err2str(err));
        }
        if (incremental) {
            error = rd_kafka_incremental_unassign(rk, partitions);
        } else {
            legacy = rd_kafka_assign(rk, nullptr);
        }
    }
    if (error != nullptr) {
        spdlog::warn("transport-kafka: (un)assigning partitions of topic '{}' failed: {}",
                     spec_.topic, rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    } else if (legacy != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("transport-kafka: (un)assigning partitions of topic '{}' failed: {}",
                     spec_.topic, rd_kafka_err2str(legacy));
    }
}

void KafkaConsumer::resolve_start_offsets(rd_kafka_topic_partition_list_t* partitions) {
    if (partitions->cnt == 0) {
        return;
    }
    rd_kafka_t* rk = client_.get();
    const auto queried = rd_kafka_committed(rk, partitions, kOffsetQueryTimeoutMs);
    if (queried != RD_KAFKA_RESP_ERR_NO_ERROR) {
        spdlog::warn("transport-kafka: committed offsets of group '{}' unavailable ({})",
                     spec_.group, rd_kafka_err2str(queried));
    }
    for (int i = 0; i < partitions->cnt; ++i) {
        rd_kafka_topic_partition_t& partition = partitions->elems[i];
        const auto handed = next_unhanded_.find(partition.partition);
        const bool committed = queried == RD_KAFKA_RESP_ERR_NO_ERROR &&
                               partition.err == RD_KAFKA_RESP_ERR_NO_ERROR && partition.offset >= 0;
        // A jump is measured from the committed offset, or from this consumer's last record
        // when that is further. Without a committed offset nothing says where reading was meant
        // to resume (another member may have moved on; Kafka may have expired the offsets with
        // the records), so no jump is reported until a record was handed over.
        if (committed) {
            jump_base_[partition.partition] = handed == next_unhanded_.end()
                                                  ? partition.offset
                                                  : std::max(handed->second, partition.offset);
        } else {
            jump_base_.erase(partition.partition);
        }
        if (spec_.from_oldest) {
            // A node route resumes where its group committed, or starts at the oldest record
            // (auto.offset.reset=earliest cannot miss one): librdkafka looks that up itself.
            partition.offset = RD_KAFKA_OFFSET_INVALID;
            continue;
        }
        if (committed) {
            continue;  // the group route resumes where it committed
        }
        if (handed != next_unhanded_.end()) {
            // Nothing committed, but this consumer read the partition before (a commit failed
            // before the group took it away): go on after its last record, skipping none.
            partition.offset = handed->second;
            jump_base_[partition.partition] = handed->second;
            continue;
        }
        // The group route starts at the newest, and "newest" must be fixed now, not whenever
        // the fetcher gets to it, or a record produced in between would be skipped.
        std::int64_t low = 0;
        std::int64_t high = 0;
        const auto err = rd_kafka_query_watermark_offsets(rk, partition.topic, partition.partition,
                                                          &low, &high, kOffsetQueryTimeoutMs);
        partition.offset = err ? RD_KAFKA_OFFSET_END : high;
    }
}

void KafkaConsumer::close() {
    rd_kafka_t* rk = client_.get();
    RdKafkaPtr<rd_kafka_queue_t> queue(rd_kafka_queue_new(rk));
    if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(rk, queue.get())) {
        spdlog::warn("transport-kafka: closing the consumer of group '{}': {}", spec_.group,
                     rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    }
    // Serving the queue runs the rebalance callback (revoke) and the final commit.
    const auto deadline = std::chrono::steady_clock::now() + kCloseTimeout;
    while (!rd_kafka_consumer_closed(rk) && std::chrono::steady_clock::now() < deadline) {
        rd_kafka_queue_poll_callback(queue.get(), 100);
    }
    const bool closed = rd_kafka_consumer_closed(rk) != 0;
    if (!closed) {
        spdlog::warn(
            "transport-kafka: the consumer of group '{}' did not close within {} ms; "
            "dropping it (its last offsets may not be committed)",
            spec_.group, kCloseTimeout.count());
    }
    queue.reset();  // a queue must go before its client
    rd_kafka_destroy_flags(client_.release(), closed ? 0 : RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

}  // namespace parley::plugins::kafka
