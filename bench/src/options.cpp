#include "options.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "option_values.hpp"

namespace parley::bench {
namespace {

constexpr const char* kUsage = R"(usage: parley-bench [options]

  --protocol parley|nats|mqtt|redis       wire protocol of the server (parley)
  --workload private|group|idle|connect|sync   what to measure (private)
  --endpoint HOST:PORT                    server; repeat for several nodes (127.0.0.1:7400)
  --cross-node                            private messages go to users on another endpoint
  --transport tcp|tls|ws|wss              what carries the protocol (tcp); ws and wss send
                                          WebSocket binary messages (Parley: one frame each)
  --ca FILE            tls, wss: trust the CAs in this PEM file (default: the system's); the
                       server's certificate must name the endpoint's host
  --ws-path PATH       ws, wss: path of the upgrade (Parley /parley, NATS and MQTT /)
  --mode closed|open                      closed: a window per sender; open: a fixed rate
  --users N            1:1 users (1000)          --window N      per-sender window (8)
  --rate N             open loop msgs/s (25000)  --payload N     message bytes (64)
  --groups N           groups (10)               --members N     members per group (100)
  --group-senders N    senders per group (1)     --qos 0|1       MQTT publish QoS (0)
  --durable            stored before acknowledged; a message is in flight until it is also
                       acknowledged (NATS: JetStream stream and push consumers; MQTT: clean
                       session off; Parley: needs a node with a message log)
  --sync-limit N       sync: messages per SYNC round after the login's (10000)
  --senders N          sync: users who send to the offline user, --messages in all (1)
  --connections N      idle connections (10000)  --hold D        idle time before RSS (5s)
  --connects N         connect storm total (0: run for --duration)
  --connect-concurrency N   connects in flight (256)
  --source-addresses N      spread connections over 127.0.0.1..N (0: as needed)
  --warmup D (1s)  --duration D (5s)  --drain-timeout D (5s)  --ready-timeout D (60s)
  --heartbeat-interval D (10s)        --messages N  stop after N messages, not after --duration
                                      (sync: messages the offline user gets, 100000)
  --id-base N          first user and group id (1)
  --threads N          independent event loops over disjoint users (1)
  --server-pid PID     idle: read this process's VmRSS before and after
  --label TEXT         copied into the result
  --json FILE          write the result there instead of stdout
  --free-port          print a free loopback TCP port and exit

Durations take ms, s or m (0.5s is fine); a bare number is milliseconds.
)";

std::uint32_t parse_u32(std::string_view text) {
    const auto value = parse_number(text);
    if (value > UINT32_MAX) {
        throw std::invalid_argument("too large: " + std::string{text});
    }
    return static_cast<std::uint32_t>(value);
}

Endpoint parse_endpoint(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        throw std::invalid_argument("expected HOST:PORT, got '" + std::string{text} + "'");
    }
    const auto port = parse_number(text.substr(colon + 1));
    if (port == 0 || port > 65535) {
        throw std::invalid_argument("bad port in '" + std::string{text} + "'");
    }
    return Endpoint{std::string{text.substr(0, colon)}, static_cast<std::uint16_t>(port)};
}

template <typename Enum>
Enum parse_choice(std::string_view text, const std::map<std::string_view, Enum>& choices) {
    const auto found = choices.find(text);
    if (found == choices.end()) {
        std::string names;
        for (const auto& [name, value] : choices) {
            names += (names.empty() ? "" : ", ") + std::string{name};
        }
        throw std::invalid_argument("'" + std::string{text} + "' is not one of " + names);
    }
    return found->second;
}

void print_free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    std::printf("%u\n", acceptor.local_endpoint().port());
}

}  // namespace

bool parse_options(int argc, char** argv, BenchOptions& o) {
    using Setter = std::function<void(std::string_view)>;
    const auto u32 = [](std::uint32_t& field) {
        return [&field](std::string_view v) { field = parse_u32(v); };
    };
    const auto duration = [](std::chrono::milliseconds& field) {
        return [&field](std::string_view v) { field = parse_duration(v); };
    };
    const std::map<std::string_view, Setter> with_value{
        {"--protocol",
         [&](std::string_view v) {
             o.protocol = parse_choice<Protocol>(v, {{"parley", Protocol::parley},
                                                     {"nats", Protocol::nats},
                                                     {"mqtt", Protocol::mqtt},
                                                     {"redis", Protocol::redis}});
         }},
        {"--workload",
         [&](std::string_view v) {
             o.workload = parse_choice<WorkloadKind>(v, {{"private", WorkloadKind::private_chat},
                                                         {"group", WorkloadKind::group},
                                                         {"idle", WorkloadKind::idle},
                                                         {"connect", WorkloadKind::connect},
                                                         {"sync", WorkloadKind::sync}});
         }},
        {"--mode",
         [&](std::string_view v) {
             o.mode = parse_choice<LoopMode>(
                 v, {{"closed", LoopMode::closed}, {"open", LoopMode::open}});
         }},
        {"--transport",
         [&](std::string_view v) {
             o.transport = parse_choice<Transport>(v, {{"tcp", Transport::tcp},
                                                       {"tls", Transport::tls},
                                                       {"ws", Transport::ws},
                                                       {"wss", Transport::wss}});
         }},
        {"--ca", [&](std::string_view v) { o.ca_file = std::string{v}; }},
        {"--ws-path", [&](std::string_view v) { o.ws_path = std::string{v}; }},
        {"--endpoint", [&](std::string_view v) { o.endpoints.push_back(parse_endpoint(v)); }},
        {"--users", u32(o.users)},
        {"--window", u32(o.window)},
        {"--rate", [&](std::string_view v) { o.rate = static_cast<double>(parse_number(v)); }},
        {"--groups", u32(o.groups)},
        {"--members", u32(o.members)},
        {"--group-senders", u32(o.group_senders)},
        {"--payload", u32(o.payload_size)},
        {"--qos", [&](std::string_view v) { o.mqtt_qos = static_cast<int>(parse_u32(v)); }},
        {"--sync-limit", u32(o.sync_limit)},
        {"--senders", u32(o.sync_senders)},
        {"--connections", u32(o.connections)},
        {"--connects", u32(o.connects)},
        {"--connect-concurrency", u32(o.connect_concurrency)},
        {"--source-addresses", u32(o.source_addresses)},
        {"--warmup", duration(o.warmup)},
        {"--duration", duration(o.duration)},
        {"--hold", duration(o.hold)},
        {"--drain-timeout", duration(o.drain_timeout)},
        {"--ready-timeout", duration(o.ready_timeout)},
        {"--heartbeat-interval", duration(o.heartbeat_interval)},
        {"--messages", [&](std::string_view v) { o.messages = parse_number(v); }},
        {"--id-base", u32(o.id_base)},
        {"--threads", [&](std::string_view v) { o.threads = parse_u32(v); }},
        {"--server-pid",
         [&](std::string_view v) { o.server_pid = static_cast<long>(parse_number(v)); }},
        {"--label", [&](std::string_view v) { o.label = std::string{v}; }},
        {"--json", [&](std::string_view v) { o.json_file = std::string{v}; }},
    };

    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return false;
        }
        if (arg == "--free-port") {
            print_free_port();
            return false;
        }
        if (arg == "--cross-node") {
            o.cross_node = true;
            continue;
        }
        if (arg == "--durable") {
            o.durable = true;
            continue;
        }
        const auto setter = with_value.find(arg);
        if (setter == with_value.end()) {
            throw std::invalid_argument("unknown option '" + std::string{arg} + "' (see --help)");
        }
        if (i + 1 >= argc) {
            throw std::invalid_argument(std::string{arg} + " needs a value");
        }
        try {
            setter->second(argv[++i]);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(std::string{arg} + ": " + e.what());
        }
    }

    if (o.endpoints.empty()) {
        o.endpoints.push_back(Endpoint{"127.0.0.1", 7400});
    }
    if (o.cross_node && o.endpoints.size() < 2) {
        throw std::invalid_argument("--cross-node needs at least two --endpoint options");
    }
    if (o.threads == 0) {
        throw std::invalid_argument("--threads must be at least 1");
    }
    if (o.mqtt_qos > 1) {
        throw std::invalid_argument("--qos must be 0 or 1");
    }
    if (o.workload == WorkloadKind::private_chat && o.users < 2 * o.threads) {
        throw std::invalid_argument("--users must be at least 2 per thread");
    }
    if (o.workload == WorkloadKind::group &&
        (o.members < 2 || o.group_senders == 0 || o.group_senders > o.members ||
         o.groups < o.threads)) {
        throw std::invalid_argument(
            "--group needs members >= 2, 1 <= group-senders <= members, groups >= threads");
    }
    if (o.durable && o.protocol == Protocol::redis) {
        throw std::invalid_argument("--durable: redis pub/sub stores nothing");
    }
    if (o.durable && o.protocol == Protocol::mqtt && o.mqtt_qos != 1) {
        throw std::invalid_argument("--durable with MQTT needs --qos 1");
    }
    if (o.workload == WorkloadKind::sync) {
        if (o.protocol != Protocol::parley) {
            throw std::invalid_argument("--workload sync is Parley's (SYNC frames)");
        }
        if (o.threads != 1 || o.sync_limit == 0 || o.sync_senders == 0) {
            throw std::invalid_argument(
                "--workload sync needs --threads 1, --sync-limit >= 1 and --senders >= 1");
        }
        if (o.messages == 0) {
            o.messages = 100000;
        }
    }
    if (o.ws_path.empty()) {
        o.ws_path = o.protocol == Protocol::parley ? "/parley" : "/";
    } else if (!o.ws_path.starts_with('/')) {
        throw std::invalid_argument("--ws-path must start with '/'");
    }
    if (o.mode == LoopMode::open && o.rate <= 0) {
        throw std::invalid_argument("--rate must be positive");
    }
    return true;
}

const char* to_string(Protocol protocol) {
    switch (protocol) {
        case Protocol::parley:
            return "parley";
        case Protocol::nats:
            return "nats";
        case Protocol::mqtt:
            return "mqtt";
        case Protocol::redis:
            return "redis";
    }
    return "?";
}

const char* to_string(WorkloadKind workload) {
    switch (workload) {
        case WorkloadKind::private_chat:
            return "private";
        case WorkloadKind::group:
            return "group";
        case WorkloadKind::idle:
            return "idle";
        case WorkloadKind::connect:
            return "connect";
        case WorkloadKind::sync:
            return "sync";
    }
    return "?";
}

const char* to_string(LoopMode mode) {
    return mode == LoopMode::closed ? "closed" : "open";
}

const char* to_string(Transport transport) {
    switch (transport) {
        case Transport::tcp:
            return "tcp";
        case Transport::tls:
            return "tls";
        case Transport::ws:
            return "ws";
        case Transport::wss:
            return "wss";
    }
    return "?";
}

}  // namespace parley::bench
