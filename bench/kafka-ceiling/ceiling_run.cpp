#include "ceiling_run.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

#include <librdkafka/rdkafka.h>
#include <unistd.h>

namespace parley::bench {
namespace {

using Clock = std::chrono::steady_clock;

/// transport-kafka's record header: name and size (envelope_codec.hpp).
constexpr const char* kHeaderName = "parley-envelope";
constexpr std::size_t kHeaderSize = 23;

struct ClientDeleter {
    void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using Client = std::unique_ptr<rd_kafka_t, ClientDeleter>;

std::uint64_t now_ns() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
            .count());
}

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
    char error[512] = "";
    if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof(error)) != RD_KAFKA_CONF_OK) {
        throw std::runtime_error(std::string{name} + ": " + error);
    }
}

Client make(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
    char error[512] = "";
    rd_kafka_t* rk = rd_kafka_new(type, conf, error, sizeof(error));
    if (rk == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(error);
    }
    return Client(rk);
}

/// The settings transport-kafka gives every client (kafka_client_config.cpp), for a fair
/// ceiling: the same guarantees and the same latency defaults (linger.ms and
/// fetch.wait.max.ms below included).
rd_kafka_conf_t* common_config(const CeilingOptions& options) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", options.brokers);
    set(conf, "client.id", "parley-kafka-ceiling");
    set(conf, "socket.nagle.disable", "true");
    set(conf, "log.connection.close", "false");
    return conf;
}

struct ProducerState {
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> last_report_ns{0};
};

void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* message, void* opaque) {
    auto* state = static_cast<ProducerState*>(opaque);
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        ++state->delivered;
    } else {
        ++state->failed;
    }
    state->last_report_ns = now_ns();
}

Client make_producer(const CeilingOptions& options, ProducerState& state) {
    rd_kafka_conf_t* conf = common_config(options);
    set(conf, "enable.idempotence", "true");
    set(conf, "acks", "all");
    set(conf, "linger.ms", "5");
    set(conf, "message.timeout.ms", "30000");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, &state);
    return make(RD_KAFKA_PRODUCER, conf);
}

Client make_consumer(const CeilingOptions& options) {
    rd_kafka_conf_t* conf = common_config(options);
    set(conf, "group.id", options.topic + ".reader");
    set(conf, "auto.offset.reset", "earliest");
    set(conf, "enable.auto.offset.store", "false");
    set(conf, "auto.commit.interval.ms", "1000");
    set(conf, "fetch.wait.max.ms", "5");
    Client consumer = make(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(consumer.get());
    return consumer;
}

/// Asks for the topic's metadata as a producer does, which has the brokers auto-create it.
void ensure_topic(rd_kafka_t* producer, const std::string& topic, Clock::time_point deadline) {
    rd_kafka_topic_t* handle = rd_kafka_topic_new(producer, topic.c_str(), nullptr);
    std::string last = "no answer";
    while (Clock::now() < deadline) {
        const rd_kafka_metadata_t* metadata = nullptr;
        const auto err = rd_kafka_metadata(producer, 0, handle, &metadata, 5000);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            const bool ready = metadata->topic_cnt == 1 && metadata->topics[0].err == 0 &&
                               metadata->topics[0].partition_cnt > 0;
            last = metadata->topic_cnt == 1 ? rd_kafka_err2str(metadata->topics[0].err) : "";
            rd_kafka_metadata_destroy(metadata);
            if (ready) {
                rd_kafka_topic_destroy(handle);
                return;
            }
        } else {
            last = rd_kafka_err2str(err);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    rd_kafka_topic_destroy(handle);
    throw std::runtime_error("topic '" + topic + "' not available at " + "the brokers: " + last);
}

bool has_assignment(rd_kafka_t* consumer) {
    rd_kafka_topic_partition_list_t* assigned = nullptr;
    if (rd_kafka_assignment(consumer, &assigned) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return false;
    }
    const bool any = assigned->cnt > 0;
    rd_kafka_topic_partition_list_destroy(assigned);
    return any;
}

void store_offset(rd_kafka_t* consumer, const rd_kafka_message_t& message) {
    rd_kafka_topic_partition_list_t* offsets = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(offsets, rd_kafka_topic_name(message.rkt), message.partition)
        ->offset = message.offset + 1;
    rd_kafka_offsets_store(consumer, offsets);
    rd_kafka_topic_partition_list_destroy(offsets);
}

/// Reads the records back on its own thread until every one arrived or the deadline passed.
class Reader {
  public:
    Reader(rd_kafka_t* consumer, std::uint64_t records)
        : consumer_(consumer), seen_(records, 0), latency_us_() {
        latency_us_.reserve(records);
    }

    void run(Clock::time_point deadline) {
        while (distinct_ < seen_.size() && Clock::now() < deadline && !stop_) {
            rd_kafka_message_t* message = rd_kafka_consumer_poll(consumer_, 100);
            if (!assigned_ && has_assignment(consumer_)) {
                assigned_ = true;
            }
            if (message == nullptr) {
                continue;
            }
            if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                message->len >= 2 * sizeof(std::uint64_t)) {
                take(*message);
            }
            rd_kafka_message_destroy(message);
        }
    }

    void take(const rd_kafka_message_t& message) {
        std::uint64_t seq = 0;
        std::uint64_t sent_ns = 0;
        std::memcpy(&seq, message.payload, sizeof(seq));
        std::memcpy(&sent_ns, static_cast<const char*>(message.payload) + sizeof(seq),
                    sizeof(sent_ns));
        const std::uint64_t now = now_ns();
        if (seq < seen_.size() && seen_[seq]++ == 0) {
            ++distinct_;
            latency_us_.push_back(static_cast<double>(now - sent_ns) / 1000.0);
            last_ns_ = now;
        } else {
            ++duplicated_;
        }
        store_offset(consumer_, message);
    }

    std::atomic<bool> assigned_{false};
    std::atomic<bool> stop_{false};
    rd_kafka_t* consumer_;
    std::vector<std::uint8_t> seen_;
    std::vector<double> latency_us_;
    std::uint64_t distinct_ = 0;
    std::uint64_t duplicated_ = 0;
    std::uint64_t last_ns_ = 0;
};

void produce_all(rd_kafka_t* producer, const CeilingOptions& options, const std::string& topic) {
    std::vector<char> value(std::max<std::size_t>(options.value_size, 16), '.');
    const std::vector<char> header(kHeaderSize, '\0');
    for (std::uint64_t seq = 0; seq < options.records; ++seq) {
        const std::string key = std::to_string(1 + seq % options.recipients);
        const std::uint64_t sent_ns = now_ns();
        std::memcpy(value.data(), &seq, sizeof(seq));
        std::memcpy(value.data() + sizeof(seq), &sent_ns, sizeof(sent_ns));
        for (;;) {
            rd_kafka_headers_t* headers = rd_kafka_headers_new(1);
            rd_kafka_header_add(headers, kHeaderName, -1, header.data(),
                                static_cast<ssize_t>(header.size()));
            std::array<rd_kafka_vu_t, 5> fields{};
            fields[0].vtype = RD_KAFKA_VTYPE_TOPIC;
            fields[0].u.cstr = topic.c_str();
            fields[1].vtype = RD_KAFKA_VTYPE_KEY;
            fields[1].u.mem.ptr = const_cast<char*>(key.data());
            fields[1].u.mem.size = key.size();
            fields[2].vtype = RD_KAFKA_VTYPE_VALUE;
            fields[2].u.mem.ptr = value.data();
            fields[2].u.mem.size = value.size();
            fields[3].vtype = RD_KAFKA_VTYPE_HEADERS;
            fields[3].u.headers = headers;
            fields[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
            fields[4].u.i = RD_KAFKA_MSG_F_COPY;
            rd_kafka_error_t* error = rd_kafka_produceva(producer, fields.data(), fields.size());
            const auto err =
                error == nullptr ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_error_code(error);
            if (error != nullptr) {
                rd_kafka_error_destroy(error);
            }
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                break;
            }
            rd_kafka_headers_destroy(headers);  // still ours when producev failed
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                throw std::runtime_error(std::string{"produce: "} + rd_kafka_err2str(err));
            }
            rd_kafka_poll(producer, 1);  // the queue is full: let delivery reports drain it
        }
        rd_kafka_poll(producer, 0);
    }
}

}  // namespace

CeilingResult run_ceiling(const CeilingOptions& given) {
    CeilingOptions options = given;
    if (options.topic.empty()) {
        options.topic = "parley-ceiling." + std::to_string(::getpid()) + "." +
                        std::to_string(now_ns() % 1000000000);
    }
    const auto deadline = Clock::now() + options.timeout;
    ProducerState state;
    Client producer = make_producer(options, state);
    ensure_topic(producer.get(), options.topic, deadline);

    Client consumer = make_consumer(options);
    rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, options.topic.c_str(), RD_KAFKA_PARTITION_UA);
    const auto subscribed = rd_kafka_subscribe(consumer.get(), topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (subscribed != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error(std::string{"subscribe: "} + rd_kafka_err2str(subscribed));
    }
    Reader reader(consumer.get(), options.records);
    std::thread reading([&] { reader.run(deadline); });
    // Timing starts once the group has assigned the partitions: its join is not the log's pace.
    while (!reader.assigned_ && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }

    const std::uint64_t start_ns = now_ns();
    CeilingResult result;
    try {
        produce_all(producer.get(), options, options.topic);
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        rd_kafka_flush(producer.get(), static_cast<int>(std::max<std::int64_t>(left.count(), 1)));
    } catch (...) {
        reader.stop_ = true;
        reading.join();
        throw;
    }
    reading.join();
    rd_kafka_consumer_close(consumer.get());

    result.produced = state.delivered;
    result.produce_errors = state.failed;
    result.produce_seconds = static_cast<double>(state.last_report_ns - start_ns) / 1e9;
    result.consumed = reader.distinct_;
    result.duplicated = reader.duplicated_;
    result.end_to_end_seconds =
        reader.last_ns_ > start_ns ? static_cast<double>(reader.last_ns_ - start_ns) / 1e9 : 0;
    result.latency_us = std::move(reader.latency_us_);
    std::sort(result.latency_us.begin(), result.latency_us.end());
    if (!reader.assigned_) {
        result.problem = "the consumer group assigned no partitions before the time-out";
    } else if (result.produced != options.records || result.consumed != options.records ||
               result.duplicated != 0) {
        result.problem = "not every record was produced and read back exactly once";
    }
    return result;
}

}  // namespace parley::bench
