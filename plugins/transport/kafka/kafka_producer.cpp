#include "kafka_producer.hpp"

#include <vector>

#include <spdlog/spdlog.h>

#include <parley/error.hpp>

#include "kafka_client_config.hpp"

namespace parley::plugins::kafka {
namespace {

std::exception_ptr unavailable(const std::string& message) {
    return std::make_exception_ptr(Error(ErrorCode::backend_unavailable, message));
}

}  // namespace

KafkaProducer::KafkaProducer(const KafkaSettings& settings, const std::string& client_id)
    : message_timeout_(settings.message_timeout) {
    auto conf = producer_config(settings, client_id);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &KafkaProducer::on_delivery);
    rd_kafka_conf_set_opaque(conf.get(), this);
    client_ = make_client(RD_KAFKA_PRODUCER, std::move(conf));
    poller_ = std::thread([this] { poll_loop(); });
}

KafkaProducer::~KafkaProducer() {
    close(std::chrono::milliseconds(0));
}

void KafkaProducer::poll_loop() {
    while (!stop_polling_.load()) {
        rd_kafka_poll(client_.get(), 100);  // runs on_delivery and the error callback
    }
}

asio::awaitable<void> KafkaProducer::send(OutgoingRecord out) {
    return await_foreign<void>([this, out = std::move(out)](Completer<void> done) mutable {
        start(std::make_unique<Pending>(Pending{std::move(out), std::move(done)}));
    });
}

void KafkaProducer::start(std::unique_ptr<Pending> pending) {
    Pending* const raw = pending.get();
    const OutgoingRecord& out = raw->out;
    const auto value = out.record.frame.bytes();
    std::shared_lock lock(closing_);
    if (closed_) {
        pending->done.set_exception(unavailable("transport-kafka is stopped"));
        return;
    }
    {
        std::lock_guard pending_lock(pending_mutex_);
        pending_.emplace(raw, std::move(pending));
    }
    rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
    rd_kafka_header_add(headers, kEnvelopeHeaderName, -1, out.record.header.data(),
                        static_cast<ssize_t>(out.record.header.size()));
    std::vector<rd_kafka_vu_t> fields(5);
    fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
    fields[0].u.cstr = out.topic.c_str();
    fields[1].vtype = RD_KAFKA_VTYPE_KEY;
    fields[1].u.mem.ptr = const_cast<char*>(out.record.key.data());
    fields[1].u.mem.size = out.record.key.size();
    // No copy: librdkafka reads the frame's own buffer, which `pending` keeps alive.
    fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
    fields[2].u.mem.ptr = value.empty() ? nullptr : const_cast<std::uint8_t*>(value.data());
    fields[2].u.mem.size = value.size();
    fields[3].vtype = RD_KAFKA_VTYPE_HEADERS;
    fields[3].u.headers = headers;
    fields[4].vtype = RD_KAFKA_VTYPE_OPAQUE;
    fields[4].u.ptr = raw;
    rd_kafka_error_t* error = rd_kafka_produceva(client_.get(), fields.data(), fields.size());
    if (error != nullptr) {
        const RdKafkaPtr<rd_kafka_error_t> owned(error);
        rd_kafka_headers_destroy(headers);  // still ours when the call failed
        auto failed = take(raw);
        failed->done.set_exception(
            unavailable("transport-kafka could not queue a message for " + failed->out.target +
                        " (topic '" + failed->out.topic + "'): " + rd_kafka_error_string(error)));
    }
}

void KafkaProducer::on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message,
                                void* opaque) {
    static_cast<KafkaProducer*>(opaque)->delivered(*message);
}

void KafkaProducer::delivered(const rd_kafka_message_t& message) {
    auto pending = take(static_cast<Pending*>(message._private));
    if (!pending) {
        return;
    }
    if (message.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        pending->done.set_value();
        return;
    }
    std::string reason = rd_kafka_err2str(message.err);
    if (message.err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) {
        reason += " (message_timeout " + std::to_string(message_timeout_.count()) + " ms)";
    }
    pending->done.set_exception(unavailable("transport-kafka: Kafka did not accept a message for " +
                                            pending->out.target + " (topic '" + pending->out.topic +
                                            "'): " + reason));
}

std::unique_ptr<KafkaProducer::Pending> KafkaProducer::take(Pending* pending) {
    std::lock_guard lock(pending_mutex_);
    auto node = pending_.extract(pending);
    return node.empty() ? nullptr : std::move(node.mapped());
}

std::optional<std::string> KafkaProducer::unreachable(std::chrono::milliseconds timeout) {
    std::shared_lock lock(closing_);
    if (closed_) {
        return "the producer is closed";
    }
    const struct rd_kafka_metadata* metadata = nullptr;  // the function shares its name
    const rd_kafka_resp_err_t error =
        rd_kafka_metadata(client_.get(), 0, nullptr, &metadata, static_cast<int>(timeout.count()));
    if (metadata != nullptr) {
        rd_kafka_metadata_destroy(metadata);
    }
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return std::string{"no broker answered a metadata request within "} +
               std::to_string(timeout.count()) + " ms: " + rd_kafka_err2str(error);
    }
    return std::nullopt;
}

void KafkaProducer::close(std::chrono::milliseconds grace) {
    {
        std::unique_lock lock(closing_);
        if (closed_) {
            return;
        }
        closed_ = true;  // no produce call runs from here on
    }
    stop_polling_ = true;
    if (poller_.joinable()) {
        poller_.join();
    }
    // flush() runs the delivery reports itself; what is left after `grace` is purged and
    // reported as failed.
    if (rd_kafka_flush(client_.get(), static_cast<int>(grace.count())) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_purge(client_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_flush(client_.get(), 200);
    }
    client_.reset();
    std::unordered_map<Pending*, std::unique_ptr<Pending>> left;
    {
        std::lock_guard lock(pending_mutex_);
        left.swap(pending_);
    }
    for (auto& [raw, pending] : left) {
        pending->done.set_exception(unavailable(
            "transport-kafka stopped before Kafka accepted a message for " + pending->out.target));
    }
    if (!left.empty()) {
        spdlog::warn("transport-kafka: {} message(s) were not accepted by Kafka before stop",
                     left.size());
    }
}

}  // namespace parley::plugins::kafka
