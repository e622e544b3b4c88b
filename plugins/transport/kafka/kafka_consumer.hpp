#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "kafka_settings.hpp"
#include "rdkafka_ptr.hpp"

namespace parley::plugins::kafka {

/// What one consumer reads.
struct ConsumerSpec {
    std::string topic;
    std::string group;        ///< consumer group id
    bool from_oldest = true;  ///< where a group without committed offsets starts
    std::string what;         ///< for logs: "route of node 'a'"
};

/// One consumer-group member and its poll thread. Each record is handed to `handler` on that
/// thread; its offset is stored only after the handler returned, and stored offsets are
/// committed every auto.commit.interval.ms, on a rebalance and on close.
///
/// Where a group has no committed offset, the first assignment resolves the start position
/// before it counts as assigned (the oldest or the newest offset of each partition), so once
/// wait_assigned() returned true every record produced afterwards is consumed.
///
/// A record is handed to `handler` at most once per consumer: when the group takes partitions
/// away without a commit (this member stalled past its session time-out, or a commit failed)
/// and gives them back, consumption resumes at the last committed offset, and the records this
/// consumer handed over since then are skipped instead of delivered twice. Another member that
/// gets those partitions cannot know, so across members delivery stays at least once.
///
/// Records that were gone before this consumer read them (the topic's retention removed them
/// while it was behind, and librdkafka moved it past them) show as a jump in a partition's
/// offsets, measured from the last record handed over or the committed offset: each jump is
/// logged as a warning and its size passed to `on_skipped`, on the poll thread. Where a
/// partition has no committed offset and this consumer handed none of its records over, the
/// start is not known and nothing is reported.
///
/// stop() and the destructor are the only calls that wait; no handler call starts after stop()
/// returns.
class KafkaConsumer {
  public:
    using Handler = std::function<void(const rd_kafka_message_t&)>;
    /// Told how many records a jump in offsets passed over.
    using SkipHandler = std::function<void(std::int64_t records)>;

    KafkaConsumer(const KafkaSettings& settings, const std::string& client_id, ConsumerSpec spec,
                  Handler handler, SkipHandler on_skipped);
    ~KafkaConsumer();
    KafkaConsumer(const KafkaConsumer&) = delete;
    KafkaConsumer& operator=(const KafkaConsumer&) = delete;

    const ConsumerSpec& spec() const noexcept { return spec_; }

    /// True once the group gave this member its partitions (possibly none), false at `deadline`.
    bool wait_assigned(std::chrono::steady_clock::time_point deadline);

    /// Asks the poll thread to stop handing out records and close the consumer (leave the
    /// group, commit), without waiting.
    void request_stop() noexcept { stop_requested_ = true; }
    /// request_stop() and waits until the poll thread has finished.
    void stop();
    /// True once the poll thread has closed the consumer.
    bool finished() const noexcept { return finished_; }

  private:
    void run();
    void close();
    /// True for a record at or below the last offset handed over on its partition.
    bool handed_before(const rd_kafka_message_t& message) const;
    /// Reports the records between the expected offset and this record's, if any.
    void note_jump(const rd_kafka_message_t& message);
    void deliver(const rd_kafka_message_t& message);
    void store_offset(const rd_kafka_message_t& message);
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* partitions, void* opaque);
    void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions);
    void resolve_start_offsets(rd_kafka_topic_partition_list_t* partitions);

    ConsumerSpec spec_;
    Handler handler_;
    SkipHandler on_skipped_;
    RdKafkaPtr<rd_kafka_t> client_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<bool> finished_{false};
    std::mutex mutex_;
    std::condition_variable assigned_changed_;
    bool assigned_ = false;
    /// Partition -> the offset after the last record handed over. Poll thread only.
    std::unordered_map<std::int32_t, std::int64_t> next_unhanded_;
    /// Partition -> the offset the next record should have: after the last record handed over,
    /// or the committed offset when that is further; absent while unknown. Poll thread only.
    std::unordered_map<std::int32_t, std::int64_t> jump_base_;
    std::thread poller_;
};

}  // namespace parley::plugins::kafka
