#include "result_json.hpp"

#include "json_writer.hpp"

namespace parley::bench {
namespace {

bool is_messaging(const BenchOptions& options) {
    return options.workload == WorkloadKind::private_chat ||
           options.workload == WorkloadKind::group;
}

double per_second(std::uint64_t count, double seconds) {
    return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

void write_latency(JsonWriter& json, const LatencyHistogram& histogram) {
    const auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e3; };
    json.begin_object()
        .field("count", histogram.count())
        .field("min", us(histogram.min()))
        .field("mean", histogram.mean() / 1e3)
        .field("p50", us(histogram.value_at(0.50)))
        .field("p90", us(histogram.value_at(0.90)))
        .field("p99", us(histogram.value_at(0.99)))
        .field("p999", us(histogram.value_at(0.999)))
        .field("max", us(histogram.max()))
        .end_object();
}

std::optional<double> rss_per_connection(const RunResult& result) {
    if (!result.server_rss_before_kib || !result.server_rss_after_kib ||
        result.connections_ready == 0) {
        return std::nullopt;
    }
    const double grown = static_cast<double>(*result.server_rss_after_kib) -
                         static_cast<double>(*result.server_rss_before_kib);
    return grown * 1024.0 / static_cast<double>(result.connections_ready);
}

void write_params(JsonWriter& json, const BenchOptions& o) {
    json.begin_object();
    switch (o.workload) {
        case WorkloadKind::private_chat:
            json.field("users", o.users);
            break;
        case WorkloadKind::group:
            json.field("groups", o.groups)
                .field("members", o.members)
                .field("group_senders", o.group_senders);
            break;
        case WorkloadKind::idle:
            json.field("connections", o.connections)
                .field("hold_s", static_cast<double>(o.hold.count()) / 1e3);
            break;
        case WorkloadKind::connect:
            if (o.connects > 0) {
                json.field("connects", o.connects);
            }
            json.field("concurrency", o.connect_concurrency);
            break;
        case WorkloadKind::sync:
            json.field("messages", o.messages)
                .field("senders", o.sync_senders)
                .field("window", o.window)
                .field("sync_limit", o.sync_limit)
                .field("payload_bytes", o.payload_size);
            break;
    }
    if (is_messaging(o)) {
        if (o.mode == LoopMode::closed) {
            json.field("window", o.window);
        } else {
            json.field("rate", o.rate);
        }
        json.field("payload_bytes", o.payload_size);
        if (o.messages > 0) {
            json.field("messages", o.messages);
        } else {
            json.field("warmup_s", static_cast<double>(o.warmup.count()) / 1e3)
                .field("duration_s", static_cast<double>(o.duration.count()) / 1e3);
        }
    } else if (o.workload == WorkloadKind::connect && o.connects == 0) {
        json.field("duration_s", static_cast<double>(o.duration.count()) / 1e3);
    }
    json.field("heartbeat_interval_s", static_cast<double>(o.heartbeat_interval.count()) / 1e3)
        .field("id_base", o.id_base)
        .end_object();
}

}  // namespace

std::vector<std::string> problems_of(const BenchOptions& options, const RunResult& r) {
    std::vector<std::string> problems;
    const auto add_if = [&problems](std::uint64_t count, const std::string& what) {
        if (count > 0) {
            problems.push_back(std::to_string(count) + " " + what);
        }
    };
    if (options.workload != WorkloadKind::connect && r.connections_ready < r.connections_wanted) {
        problems.push_back("only " + std::to_string(r.connections_ready) + " of " +
                           std::to_string(r.connections_wanted) + " connections logged in");
    }
    add_if(r.connections_dropped, "connections closed during the run");
    if (is_messaging(options)) {
        add_if(r.expected - r.delivered, "deliveries lost");
        add_if(r.duplicated, "deliveries duplicated");
        add_if(r.misrouted, "deliveries to the wrong user or group");
        add_if(r.malformed, "deliveries with an unreadable stamp");
        add_if(r.refused, "requests refused by the server");
        if (options.durable) {
            add_if(r.unacked, "messages never acknowledged");
            add_if(r.unexpected_acks, "acknowledgements of nothing outstanding");
        }
        if (r.sent == 0) {
            problems.emplace_back("no message was sent");
        } else if (options.messages > 0 && r.sent < options.messages) {
            problems.push_back("sent only " + std::to_string(r.sent) + " of " +
                               std::to_string(options.messages) + " messages");
        }
    }
    if (options.workload == WorkloadKind::sync) {
        add_if(r.expected - r.delivered, "messages not replayed");
        add_if(r.duplicated, "messages replayed twice");
        add_if(r.misrouted, "messages for another user");
        add_if(r.malformed, "messages with an unreadable stamp");
        add_if(r.refused, "requests refused by the server");
        add_if(r.unacked, "messages never acknowledged");
        if (r.sent < options.messages) {
            problems.push_back("sent only " + std::to_string(r.sent) + " of " +
                               std::to_string(options.messages) + " messages");
        }
    }
    if (options.workload == WorkloadKind::connect) {
        add_if(r.connection_failures, "connects or logins failed");
        if (r.logins_completed == 0) {
            problems.emplace_back("no login completed");
        } else if (options.connects > 0 && r.logins_completed < options.connects) {
            problems.push_back("only " + std::to_string(r.logins_completed) + " of " +
                               std::to_string(options.connects) + " logins completed");
        }
    }
    if (options.workload == WorkloadKind::idle && options.server_pid > 0 &&
        !rss_per_connection(r)) {
        problems.push_back("could not read VmRSS of pid " + std::to_string(options.server_pid));
    }
    return problems;
}

std::string result_json(const BenchOptions& o, const RunResult& r, const RunTimes& times) {
    JsonWriter json;
    json.begin_object()
        .field("tool", "parley-bench")
        .field("label", o.label)
        .field("protocol", to_string(o.protocol))
        .field("transport", to_string(o.transport));
    if (!r.tls.empty()) {
        json.field("tls", r.tls);
    }
    json.field("workload", to_string(o.workload));
    if (is_messaging(o)) {
        json.field("mode", to_string(o.mode));
    }
    if (o.protocol == Protocol::mqtt) {
        json.field("qos", o.mqtt_qos);
    }
    json.field("durable", o.durable);
    json.field("cross_node", o.cross_node).key("endpoints").begin_array();
    for (const auto& endpoint : o.endpoints) {
        json.value(endpoint.host + ":" + std::to_string(endpoint.port));
    }
    json.end_array().field("threads", o.threads).key("params");
    write_params(json, o);

    const auto problems = problems_of(o, r);
    json.field("ok", problems.empty()).key("problems").begin_array();
    for (const auto& problem : problems) {
        json.value(problem);
    }
    json.end_array().field("error_count", r.error_count).key("errors").begin_array();
    for (const auto& error : r.errors) {
        json.value(error);
    }
    json.end_array();

    // The headline figure of the workload.
    if (is_messaging(o)) {
        json.field("throughput", per_second(r.delivered_in_window, r.window_seconds))
            .field("throughput_unit",
                   o.workload == WorkloadKind::group ? "deliveries/s" : "messages/s");
    } else if (o.workload == WorkloadKind::connect) {
        json.field("throughput", per_second(r.logins_completed, r.window_seconds))
            .field("throughput_unit", "logins/s");
    } else if (o.workload == WorkloadKind::sync) {
        json.field("throughput", per_second(r.delivered_in_window, r.window_seconds))
            .field("throughput_unit", "messages/s replayed");
    } else {
        json.key("throughput").null().field("throughput_unit", "");
    }

    if (is_messaging(o)) {
        json.field("sent", r.sent)
            .field("expected", r.expected)
            .field("received", r.delivered)
            .field("lost", r.expected - r.delivered)
            .field("duplicated", r.duplicated)
            .field("misrouted", r.misrouted)
            .field("malformed", r.malformed)
            .field("self_echoes", r.self_echoes)
            .field("acks", r.acks)
            .field("refused", r.refused)
            .field("sent_per_s", per_second(r.sent_in_window, r.window_seconds))
            .key("latency_us");
        write_latency(json, r.latency);
        if (o.durable) {
            json.field("unacked", r.unacked).key("ack_latency_us");
            write_latency(json, r.ack_latency);
        }
    }
    if (o.workload == WorkloadKind::sync) {
        json.field("sent", r.sent)
            .field("received", r.delivered)
            .field("lost", r.expected - r.delivered)
            .field("duplicated", r.duplicated)
            .field("acks", r.acks)
            .field("refused", r.refused)
            .key("sync")
            .begin_object()
            .field("replay_s", r.window_seconds)
            .field("rounds", r.sync_rounds)
            .field("first_message_us", r.first_replay_us)
            .field("fill_s", r.fill_seconds)
            .field("fill_per_s", per_second(r.sent, r.fill_seconds))
            .end_object();
    }
    json.key("login_latency_us");
    write_latency(json, r.login_latency);

    json.key("connections")
        .begin_object()
        .field("wanted", r.connections_wanted)
        .field("ready", r.connections_ready)
        .field("failed", r.connection_failures)
        .field("dropped", r.connections_dropped)
        .field("connect_s", r.connect_seconds);
    if (o.workload != WorkloadKind::connect) {
        json.field("ready_per_s", per_second(r.connections_ready, r.connect_seconds));
    }
    json.end_object();

    const bool idle = o.workload == WorkloadKind::idle;
    if (o.server_pid > 0) {
        json.key("server").begin_object().field("pid", std::int64_t{o.server_pid});
        if (r.server_cpu_s && r.window_seconds > 0) {
            // Over the measured window: the share of a core the server used, and how long its
            // threads waited for a CPU they were ready to use (other work on the machine).
            json.field("cpu_s", *r.server_cpu_s)
                .field("cpu_util", *r.server_cpu_s / r.window_seconds)
                .field("run_delay_s", r.server_run_delay_s.value_or(0))
                .field("run_delay_util", r.server_run_delay_s.value_or(0) / r.window_seconds);
        }
        if (idle && r.server_rss_before_kib && r.server_rss_after_kib) {
            json.field("rss_before_kib", *r.server_rss_before_kib)
                .field("rss_after_kib", *r.server_rss_after_kib);
        }
        if (idle) {
            if (const auto per = rss_per_connection(r)) {
                json.field("rss_per_connection_bytes", *per);
            } else {
                json.key("rss_per_connection_bytes").null();
            }
        }
        json.end_object();
    }

    const double window_util =
        r.window_seconds > 0 ? r.window_cpu_seconds / (r.window_seconds * o.threads) : 0.0;
    json.key("generator")
        .begin_object()
        .field("wall_s", times.wall_seconds)
        .field("cpu_user_s", times.cpu.user_s)
        .field("cpu_system_s", times.cpu.system_s)
        .field("window_s", r.window_seconds)
        .field("window_cpu_s", r.window_cpu_seconds)
        .field("window_cpu_util", window_util);
    if (is_messaging(o) && o.mode == LoopMode::open) {
        json.field("schedule_lag_max_us", r.schedule_lag_max_us);
    }
    json.end_object().end_object();
    return json.str();
}

}  // namespace parley::bench
