#include "kafka_client_config.hpp"

#include <cstring>
#include <stdexcept>

#include <spdlog/spdlog.h>

namespace parley::plugins::kafka {
namespace {

spdlog::level::level_enum spdlog_level(int syslog_level) {
    if (syslog_level <= 3) {
        return spdlog::level::err;
    }
    if (syslog_level == 4) {
        return spdlog::level::warn;
    }
    return syslog_level <= 6 ? spdlog::level::info : spdlog::level::debug;
}

// librdkafka's threads call these; spdlog is thread safe.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
    // Connection failures reach error_to_spdlog as well; logging both would say it twice.
    const bool reported_as_error = std::strcmp(facility, "FAIL") == 0;
    // `properties` go to the producer and the consumers alike, so each client ignoring the
    // other role's properties is expected, not a warning.
    const bool other_role = std::strcmp(facility, "CONFWARN") == 0 &&
                            std::strstr(text, "will be ignored by this") != nullptr;
    if (reported_as_error || other_role) {
        level = 7;
    }
    spdlog::log(spdlog_level(level), "transport-kafka: {} {}: {}", rd_kafka_name(rk), facility,
                text);
}

void error_to_spdlog(rd_kafka_t* rk, int err, const char* reason, void* /*opaque*/) {
    const auto code = static_cast<rd_kafka_resp_err_t>(err);
    const char* text = reason != nullptr ? reason : rd_kafka_err2str(code);
    if (code == RD_KAFKA_RESP_ERR__FATAL) {
        char fatal[512] = "";
        rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
        spdlog::error("transport-kafka: {} fatal error: {}", rd_kafka_name(rk), fatal);
    } else if (code == RD_KAFKA_RESP_ERR__TRANSPORT || code == RD_KAFKA_RESP_ERR__RESOLVE) {
        // One broker's connection: librdkafka retries it. "All brokers are down" is the warning.
        spdlog::debug("transport-kafka: {}: {}", rd_kafka_name(rk), text);
    } else {
        spdlog::warn("transport-kafka: {}: {}", rd_kafka_name(rk), text);
    }
}

void log_nothing(const rd_kafka_t* /*rk*/, int /*level*/, const char* /*facility*/,
                 const char* /*text*/) {}

}  // namespace

std::string check_property(const std::string& name, const std::string& value) {
    const RdKafkaPtr<rd_kafka_conf_t> conf(rd_kafka_conf_new());
    char error[512] = "";
    if (rd_kafka_conf_set(conf.get(), name.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
        return error;
    }
    return {};
}

void set_property(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
    char error[512] = "";
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof(error)) !=
        RD_KAFKA_CONF_OK) {
        throw std::runtime_error("librdkafka refuses property '" + name + "': " + error);
    }
}

RdKafkaPtr<rd_kafka_conf_t> base_config(const KafkaSettings& settings, const std::string& client_id,
                                        const PropertyList& role_defaults) {
    RdKafkaPtr<rd_kafka_conf_t> conf(rd_kafka_conf_new());
    for (const auto& [name, value] : role_defaults) {
        set_property(conf.get(), name, value);
    }
    set_property(conf.get(), "bootstrap.servers", settings.brokers);
    set_property(conf.get(), "client.id", client_id);
    // A broker that comes back is found within a second or two, not librdkafka's 10 s.
    set_property(conf.get(), "reconnect.backoff.max.ms", "2000");
    // Idle connections that a broker closes are not worth a log line each.
    set_property(conf.get(), "log.connection.close", "false");
    // Requests are small and latency-bound (a relayed message waits for them): no Nagle delay.
    set_property(conf.get(), "socket.nagle.disable", "true");
    for (const auto& [name, value] : settings.properties) {
        set_property(conf.get(), name, value);
    }
    rd_kafka_conf_set_log_cb(conf.get(), log_to_spdlog);
    rd_kafka_conf_set_error_cb(conf.get(), error_to_spdlog);
    return conf;
}

RdKafkaPtr<rd_kafka_conf_t> producer_config(const KafkaSettings& settings,
                                            const std::string& client_id) {
    // A record waits up to 5 ms for others to share its request. Shorter waits cost more than
    // they save: with 1 ms librdkafka's broker thread wakes about once per record, which took
    // over a quarter more CPU per message and tripled the 99th percentile latency at 2,000
    // messages/s, for 1.4 ms off the median (docs/plugins/transport-kafka.md). A session's messages
    // pipeline, so the wait no longer bounds one session's rate.
    auto conf = base_config(settings, client_id, {{"linger.ms", "5"}});
    set_property(conf.get(), "enable.idempotence", "true");
    set_property(conf.get(), "acks", "all");
    set_property(conf.get(), "message.timeout.ms",
                 std::to_string(settings.message_timeout.count()));
    return conf;
}

RdKafkaPtr<rd_kafka_conf_t> consumer_config(const KafkaSettings& settings,
                                            const std::string& client_id, const std::string& group,
                                            bool from_oldest) {
    // Offsets a node stored are committed within a second: little is replayed after a crash.
    // A fetch that finds nothing waits at most 5 ms (librdkafka's default is 500). A Kafka
    // broker answers as soon as fetch.min.bytes (1) arrived, so there this only bounds how long
    // an idle fetch is held; librdkafka's mock cluster holds every empty fetch for the whole
    // wait and never answers early, so a relayed record waited up to the full wait (a quarter
    // of a second on average with the default).
    auto conf = base_config(settings, client_id,
                            {{"auto.commit.interval.ms", "1000"}, {"fetch.wait.max.ms", "5"}});
    set_property(conf.get(), "group.id", group);
    // Offsets are stored only once the listener has taken a message, and committed from there.
    set_property(conf.get(), "enable.auto.commit", "true");
    set_property(conf.get(), "enable.auto.offset.store", "false");
    set_property(conf.get(), "auto.offset.reset", from_oldest ? "earliest" : "latest");
    return conf;
}

RdKafkaPtr<rd_kafka_t> make_client(rd_kafka_type_t type, RdKafkaPtr<rd_kafka_conf_t> conf) {
    char error[512] = "";
    // On success rd_kafka_new owns the configuration; on failure it is still ours.
    RdKafkaPtr<rd_kafka_t> client(rd_kafka_new(type, conf.get(), error, sizeof(error)));
    if (!client) {
        throw std::runtime_error(error);
    }
    static_cast<void>(conf.release());
    return client;
}

std::string check_client_config(const KafkaSettings& settings) {
    try {
        auto producer = producer_config(settings, "parley-check");
        auto consumer = consumer_config(settings, "parley-check", "parley-check", true);
        for (auto* conf : {producer.get(), consumer.get()}) {
            // No brokers and no log: these clients only check the configuration.
            set_property(conf, "bootstrap.servers", "");
            rd_kafka_conf_set_log_cb(conf, log_nothing);
        }
        make_client(RD_KAFKA_PRODUCER, std::move(producer));
        make_client(RD_KAFKA_CONSUMER, std::move(consumer));
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace parley::plugins::kafka
