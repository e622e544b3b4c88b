#pragma once

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <parley/asio.hpp>

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

    /// Waits up to `grace` for records in flight, fails the rest, and destroys the client.
    void close(std::chrono::milliseconds grace);

  private:
    /// One record handed to librdkafka and not yet reported; its frame is the record's value,
    /// so it must live until the report.
    class Pending {
      public:
        explicit Pending(OutgoingRecord out) : out_(std::move(out)) {}
        virtual ~Pending() = default;
        Pending(const Pending&) = delete;
        Pending& operator=(const Pending&) = delete;
        const OutgoingRecord& out() const noexcept { return out_; }
        /// Resumes the sender on its own executor; called once.
        virtual void complete(std::exception_ptr error) = 0;

      private:
        OutgoingRecord out_;
    };

    template <typename Handler>
    class PendingFor final : public Pending {
      public:
        PendingFor(OutgoingRecord out, Handler handler)
            : Pending(std::move(out)),
              handler_(std::move(handler)),
              work_(asio::get_associated_executor(handler_)) {}
        void complete(std::exception_ptr error) override {
            auto executor = work_.get_executor();
            asio::post(executor, [handler = std::move(handler_), error]() mutable {
                std::move(handler)(error);
            });
            work_.reset();
        }

      private:
        Handler handler_;
        // Keeps the caller's io_context running while the record is in flight.
        asio::executor_work_guard<asio::associated_executor_t<Handler>> work_;
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

inline asio::awaitable<void> KafkaProducer::send(OutgoingRecord out) {
    co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr)>(
        [this](auto handler, OutgoingRecord record) {
            using Handler = decltype(handler);
            start(std::make_unique<PendingFor<Handler>>(std::move(record), std::move(handler)));
        },
        asio::use_awaitable, std::move(out));
}

}  // namespace parley::plugins::kafka
