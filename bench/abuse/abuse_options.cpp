#include "abuse_options.hpp"

#include <cstdio>
#include <stdexcept>
#include <string_view>

namespace parley::bench::abuse {

namespace {

constexpr const char* kUsage =
    R"(usage: parley-abuse --attack KIND --port PORT --server-pid PID [options]

Runs one attack on a parleyd node while an innocent pair of users exchanges private messages
at a fixed rate, and prints (or writes) one JSON object: the innocent's latency before, during
and after the attack, the node's resident memory, what the attacker was answered, and how soon
the node served the innocent as before.

attacks:
  group-flood       one member of a group of --members offline (and --online-members online)
                    members sends group messages as fast as the node reads them
  slow-readers      --connections users join a group and never read; one member sends
                    --feed-rate messages a second to it
  prelogin-flood    --connections connections each announce a --announce byte HANDSHAKE and
                    send nothing more; each one closed is opened again
  trickle           --connections connections send one byte of a frame every --interval and
                    never finish it (--logged-in: after logging in)
  connection-flood  --connections logged-in connections held open; each one closed is opened
                    again
  failed-logins     --connections connections send HANDSHAKEs for user 0 (always refused) as
                    fast as they are answered; each one closed is opened again

options:
  --host ADDR --port PORT --server-pid PID
  --baseline S --duration S --recovery S      phases (default 3, 10, 10 seconds)
  --innocent-rate N      private messages per second (200)
  --innocent-source ADDR the innocent's source address (127.0.0.2)
  --latency-bound MS     p99 a recovered 500 ms window keeps to (50)
  --attack-addresses N   attackers connect from 127.0.1.1 .. 127.0.1.N (16)
  --connections N --concurrency N --members N --online-members N --payload BYTES
  --feed-rate N          slow readers: group messages a second to them, 0 = flat out (2000)
  --announce BYTES --logged-in --interval MS --id-base N --group N
  --memory-bound-mib X --memory-bound-basis TEXT   reported with the peak memory
  --label TEXT --json FILE
)";

double number(std::string_view name, const char* text) {
    try {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used == std::string_view{text}.size() && value >= 0) {
            return value;
        }
    } catch (const std::exception&) {
    }
    throw std::invalid_argument(std::string{name} + ": not a non-negative number: " + text);
}

std::chrono::milliseconds seconds(std::string_view name, const char* text) {
    return std::chrono::milliseconds(static_cast<long long>(number(name, text) * 1000));
}

AttackKind attack_of(const std::string& name) {
    for (const auto kind :
         {AttackKind::group_flood, AttackKind::slow_readers, AttackKind::prelogin_flood,
          AttackKind::trickle, AttackKind::connection_flood, AttackKind::failed_logins}) {
        if (name == to_string(kind)) {
            return kind;
        }
    }
    throw std::invalid_argument("--attack: unknown attack '" + name + "'");
}

}  // namespace

const char* to_string(AttackKind attack) {
    switch (attack) {
        case AttackKind::group_flood:
            return "group-flood";
        case AttackKind::slow_readers:
            return "slow-readers";
        case AttackKind::prelogin_flood:
            return "prelogin-flood";
        case AttackKind::trickle:
            return "trickle";
        case AttackKind::connection_flood:
            return "connection-flood";
        case AttackKind::failed_logins:
            return "failed-logins";
    }
    return "?";
}

bool parse_options(int argc, char** argv, AbuseOptions& o) {
    bool have_attack = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            return false;
        }
        if (arg == "--logged-in") {
            o.logged_in = true;
            continue;
        }
        if (i + 1 >= argc) {
            throw std::invalid_argument(std::string{arg} + ": missing value (see --help)");
        }
        const char* value = argv[++i];
        const auto count = [&] { return static_cast<std::uint32_t>(number(arg, value)); };
        if (arg == "--attack") {
            o.attack = attack_of(value);
            have_attack = true;
        } else if (arg == "--host") {
            o.host = value;
        } else if (arg == "--port") {
            o.port = static_cast<std::uint16_t>(count());
        } else if (arg == "--server-pid") {
            o.server_pid = static_cast<long>(number(arg, value));
        } else if (arg == "--baseline") {
            o.baseline = seconds(arg, value);
        } else if (arg == "--duration") {
            o.duration = seconds(arg, value);
        } else if (arg == "--recovery") {
            o.recovery = seconds(arg, value);
        } else if (arg == "--innocent-rate") {
            o.innocent_rate = number(arg, value);
        } else if (arg == "--innocent-source") {
            o.innocent_source = value;
        } else if (arg == "--latency-bound") {
            o.latency_bound_ms = number(arg, value);
        } else if (arg == "--attack-addresses") {
            o.attack_addresses = count();
        } else if (arg == "--connections") {
            o.connections = count();
        } else if (arg == "--concurrency") {
            o.concurrency = count();
        } else if (arg == "--members") {
            o.members = count();
        } else if (arg == "--online-members") {
            o.online_members = count();
        } else if (arg == "--payload") {
            o.payload = count();
        } else if (arg == "--feed-rate") {
            o.feed_rate = number(arg, value);
        } else if (arg == "--announce") {
            o.announce = static_cast<std::uint64_t>(number(arg, value));
        } else if (arg == "--interval") {
            o.interval = std::chrono::milliseconds(count());
        } else if (arg == "--id-base") {
            o.id_base = count();
        } else if (arg == "--group") {
            o.group = count();
        } else if (arg == "--memory-bound-mib") {
            o.memory_bound_mib = number(arg, value);
        } else if (arg == "--memory-bound-basis") {
            o.memory_bound_basis = value;
        } else if (arg == "--label") {
            o.label = value;
        } else if (arg == "--json") {
            o.json_file = value;
        } else {
            throw std::invalid_argument("unknown option " + std::string{arg} + " (see --help)");
        }
    }
    if (!have_attack || o.port == 0 || o.server_pid == 0) {
        throw std::invalid_argument("--attack, --port and --server-pid are required (see --help)");
    }
    if (o.innocent_rate <= 0 || o.attack_addresses == 0 || o.concurrency == 0 ||
        o.interval.count() == 0 || o.payload < 48) {
        throw std::invalid_argument(
            "--innocent-rate, --attack-addresses, --concurrency and --interval must be positive, "
            "--payload at least 48");
    }
    if (o.announce < 1 || o.announce > 0xFFFFFFFFULL - 13) {
        throw std::invalid_argument("--announce must fit a frame's 32-bit length");
    }
    return true;
}

}  // namespace parley::bench::abuse
