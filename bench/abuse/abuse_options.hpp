#pragma once
// The command line of parley-abuse, parsed into one plain struct.

#include <chrono>
#include <cstdint>
#include <string>

namespace parley::bench::abuse {

enum class AttackKind {
    group_flood,
    slow_readers,
    prelogin_flood,
    trickle,
    connection_flood,
    failed_logins,
};

struct AbuseOptions {
    AttackKind attack = AttackKind::group_flood;
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    long server_pid = 0;  ///< whose VmRSS is sampled

    std::chrono::milliseconds baseline{3000};  ///< innocent alone, after the attack's set-up
    std::chrono::milliseconds duration{10000};
    std::chrono::milliseconds recovery{10000};  ///< innocent alone again, after the attack
    std::chrono::milliseconds setup_timeout{180000};

    // The innocent pair.
    double innocent_rate = 200;  ///< private messages per second, A to B
    std::string innocent_source = "127.0.0.2";
    std::uint32_t innocent_base = 1;  ///< A and B are this id and the next
    double latency_bound_ms = 50;     ///< the p99 a recovered window must keep to

    // The attacker.
    std::uint32_t attack_addresses = 16;  ///< 127.0.1.1 .. 127.0.1.N
    std::uint32_t connections = 1000;     ///< attack connections (what each attack opens)
    std::uint32_t concurrency = 256;      ///< connection attempts in flight at once
    std::uint32_t members = 50000;        ///< group flood: offline members of the group
    std::uint32_t online_members = 20;    ///< group flood: members logged in and reading
    std::uint32_t payload = 64;           ///< bytes of content in attack messages
    double feed_rate = 2000;  ///< slow readers: group messages a second to them; 0 = flat out
    std::uint64_t announce = 64ULL << 20;      ///< pre-login flood: body size the header announces
    bool logged_in = false;                    ///< trickle: log in first, then trickle a frame
    std::chrono::milliseconds interval{1000};  ///< trickle: one byte per connection this often
    std::uint32_t id_base = 100000;            ///< first attacker user id
    std::uint32_t group = 7;                   ///< the group attacked

    // Reported as given: the growth over the baseline RSS the node's limits allow, and why.
    double memory_bound_mib = 0;
    std::string memory_bound_basis;
    std::string label;
    std::string json_file;
};

/// Parses argv; throws std::invalid_argument naming the option. False after --help.
bool parse_options(int argc, char** argv, AbuseOptions& options);

const char* to_string(AttackKind attack);

}  // namespace parley::bench::abuse
