#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include <parley/asio.hpp>
#include <parley/foreign_completion.hpp>

#include "envelope_codec.hpp"
#include "kafka_settings.hpp"
#include "rdkafka_ptr.hpp"

namespace parley::plugins::kafka {

/// Where a record goes, and how to name it in an error.
struct OutgoingRecord {
    std::string topic;
    std::string target;  ///< "node 'b'" or "group 7"
    EncodedRecord record;
};

/// The transport's idempotent producer and its poll thread, which runs delivery reports.
///
/// Thread safe. send() may be called from any thread and any executor; it completes on the
/// caller's executor once Kafka acknowledged the record (acks=all) or failed it. close() fails
/// whatever is still waiting, so no send() is left hanging.
class KafkaProducer {
  public:
    KafkaProducer(const KafkaSettings& settings, const std::string& client_id);
    ~KafkaProducer();
    KafkaProducer(const KafkaProducer&) = delete;
    KafkaProducer& operator=(const KafkaProducer&) = delete;

    /// For metadata and topic set-up; valid until close().
    rd_kafka_t* handle() const noexcept { return client_.get(); }

    /// Completes once Kafka has accepted `out`; throws Error(backend_unavailable) when it did not
    /// within message_timeout, or the producer is closed.
    asio::awaitable<void> send(OutgoingRecord out);

    /// Asks the cluster for its brokers, blocking up to `timeout`: nothing when a broker
    /// answered, else why not. close() waits for a call in progress. Any thread.
    std::optional<std::string> unreachable(std::chrono::milliseconds timeout);

    /// Waits up to `grace` for records in flight, fails the rest, and destroys the client.
    void close(std::chrono::milliseconds grace);

  private:
    /// One record handed to librdkafka and not yet reported; its frame is the record's value,
    /// so it must live until the report, which completes `done` (the sender resumes on its own
    /// executor).
    struct Pending {
        OutgoingRecord out;
        Completer<void> done;
    };

    void start(std::unique_ptr<Pending> pending);
    void poll_loop();
    static void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
    void delivered(const rd_kafka_message_t& message);
    std::unique_ptr<Pending> take(Pending* pending);

    std::chrono::milliseconds message_timeout_;
    RdKafkaPtr<rd_kafka_t> client_;
    std::shared_mutex closing_;  ///< produce calls share it; close() takes it alone
    bool closed_ = false;
    std::mutex pending_mutex_;
    std::unordered_map<Pending*, std::unique_ptr<Pending>> pending_;
    std::atomic<bool> stop_polling_{false};
    std::thread poller_;
};

}  // namespace parley::plugins::kafka
