#pragma once
// The command line of parley-bench, parsed into one plain struct.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace parley::bench {

enum class Protocol { parley, nats, mqtt, redis };
enum class WorkloadKind { private_chat, group, idle, connect, sync };
enum class LoopMode { closed, open };
/// What carries the protocol's bytes: TCP alone, TLS, or WebSocket binary messages (over TLS:
/// wss).
enum class Transport { tcp, tls, ws, wss };

struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
};

struct BenchOptions {
    Protocol protocol = Protocol::parley;
    WorkloadKind workload = WorkloadKind::private_chat;
    LoopMode mode = LoopMode::closed;
    /// Users are spread over these round-robin; two or more with cross_node makes every private
    /// message go to a user on another endpoint.
    std::vector<Endpoint> endpoints;
    bool cross_node = false;
    Transport transport = Transport::tcp;
    std::string ca_file;  ///< tls, wss: PEM of the CAs to trust (empty: the system's)
    std::string ws_path;  ///< ws, wss: the upgrade's path (empty: the protocol's usual one)

    std::uint32_t users = 1000;
    std::uint32_t window = 8;  ///< closed loop: undelivered messages per sender
    double rate = 25000;       ///< open loop: messages per second, all senders together
    std::uint32_t groups = 10;
    std::uint32_t members = 100;      ///< per group
    std::uint32_t group_senders = 1;  ///< per group
    std::uint32_t payload_size = 64;  ///< bytes of message content, at least the stamp
    int mqtt_qos = 0;
    /// Messages must be stored before they are acknowledged, and senders count a message in
    /// flight until its acknowledgement too: NATS through JetStream, MQTT with persistent
    /// sessions (Parley stores whenever its node has a message log).
    bool durable = false;
    std::uint32_t sync_limit = 10000;  ///< sync: messages asked for per round after the first
    std::uint32_t sync_senders = 1;    ///< sync: users who send to the offline one

    std::uint32_t connections = 10000;  ///< idle
    std::uint32_t connects = 0;         ///< connect storm: total; 0 = run for `duration`
    std::uint32_t connect_concurrency = 256;
    std::uint32_t source_addresses = 0;  ///< 127.0.0.1..N as source; 0 = as many as needed

    std::chrono::milliseconds warmup{1000};
    std::chrono::milliseconds duration{5000};
    std::chrono::milliseconds hold{5000};  ///< idle: how long connections sit before RSS is read
    std::chrono::milliseconds drain_timeout{5000};
    std::chrono::milliseconds ready_timeout{60000};
    std::chrono::milliseconds heartbeat_interval{10000};
    std::uint64_t messages = 0;  ///< stop after this many messages instead of after `duration`
                                 ///< (sync: the messages sent to the offline user, 100000)

    std::uint32_t id_base = 1;  ///< first user id (and group id); ids are id_base + index
    unsigned threads = 1;
    long server_pid = 0;  ///< idle: whose VmRSS to read
    std::string label;    ///< copied into the JSON, e.g. the server's name
    std::string json_file;
};

/// Parses argv; throws std::invalid_argument with a message naming the option. Returns false
/// when the command was --help or --free-port, already answered on stdout.
bool parse_options(int argc, char** argv, BenchOptions& options);

const char* to_string(Protocol protocol);
const char* to_string(WorkloadKind workload);
const char* to_string(LoopMode mode);
const char* to_string(Transport transport);

}  // namespace parley::bench
