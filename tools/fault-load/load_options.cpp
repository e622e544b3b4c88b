#include "load_options.hpp"

#include <charconv>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace parley::tools {
namespace {

template <typename T>
T parse_number(std::string_view text, std::string_view what, T min, T max) {
    T value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value < min || value > max) {
        std::ostringstream why;
        why << what << " must be a number from " << min << " to " << max << ", not '" << text
            << "'";
        throw std::invalid_argument(why.str());
    }
    return value;
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const auto comma = text.find(',', pos);
        const auto item =
            text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
        if (!item.empty()) {
            out.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        pos = comma + 1;
    }
    return out;
}

}  // namespace

LoadOptions parse_load_options(int argc, char** argv) {
    LoadOptions o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg{argv[i]};
        auto value = [&]() -> std::string_view {
            if (i + 1 >= argc) {
                throw std::invalid_argument(std::string{arg} + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--config") {
            o.config = std::string{value()};
        } else if (arg == "--servers") {
            o.servers = split_list(value());
        } else if (arg == "--policy") {
            o.policy = std::string{value()};
        } else if (arg == "--events") {
            o.events = std::string{value()};
        } else if (arg == "--users") {
            o.users = parse_number(value(), "--users", 2, 10000);
        } else if (arg == "--first-user") {
            o.first_user = parse_number<std::uint32_t>(value(), "--first-user", 1, 1u << 30);
        } else if (arg == "--groups") {
            o.groups = parse_number(value(), "--groups", 0, 1000);
        } else if (arg == "--groups-per-user") {
            o.groups_per_user = parse_number(value(), "--groups-per-user", 0, 1000);
        } else if (arg == "--rate") {
            o.rate = parse_number(value(), "--rate", 0.01, 1000.0);
        } else if (arg == "--group-share") {
            o.group_share = parse_number(value(), "--group-share", 0.0, 1.0);
        } else if (arg == "--seed") {
            o.seed = parse_number<std::uint64_t>(value(), "--seed", 0, UINT64_MAX);
        } else if (arg == "--duration") {
            o.duration = std::chrono::seconds{parse_number(value(), "--duration", 0, 1000000)};
        } else if (arg == "--stop-file") {
            o.stop_file = std::string{value()};
        } else if (arg == "--drain") {
            o.drain = std::chrono::seconds{parse_number(value(), "--drain", 0, 3600)};
        } else if (arg == "--warmup-limit") {
            o.warmup_limit = std::chrono::seconds{parse_number(value(), "--warmup-limit", 1, 3600)};
        } else if (arg == "--max-backoff-ms") {
            o.max_backoff =
                std::chrono::milliseconds{parse_number(value(), "--max-backoff-ms", 10, 600000)};
        } else {
            throw std::invalid_argument("unknown option '" + std::string{arg} + "' (see --help)");
        }
    }
    if (o.help) {
        return o;
    }
    if (o.config.empty() == o.servers.empty()) {
        throw std::invalid_argument("give --config FILE or --servers HOST:PORT,... (one of them)");
    }
    if (o.events.empty()) {
        throw std::invalid_argument("give --events FILE");
    }
    if (o.duration.count() == 0 && o.stop_file.empty()) {
        throw std::invalid_argument("give --duration SECONDS or --stop-file PATH");
    }
    if (o.groups_per_user > o.groups) {
        throw std::invalid_argument("--groups-per-user is more than --groups");
    }
    return o;
}

std::string load_usage() {
    return R"(usage: parley-fault-load (--config FILE | --servers HOST:PORT,...) --events FILE
                         (--duration SECONDS | --stop-file PATH) [options]

Steady chat traffic for fault-injection runs (scripts/faults.sh, docs/reliability.md). Users
FIRST..FIRST+N-1 log in through the client library, which reconnects, resends and syncs as it
does for any application; each joins some groups, then sends private messages to random other
users and messages to its groups at a steady rate. Every request, answer, delivered message,
login and lost connection is written to the event log with a wall-clock time in ms; the
checker, parley-fault-check, reads it.

Options:
  --config FILE          client YAML: a registry (e.g. ZooKeeper) or servers
  --servers LIST         fixed endpoints, comma-separated, instead of --config
  --policy NAME          load-balancing policy (default random, seeded per user)
  --events FILE          the event log (appended to)
  --users N              simulated users (default 24)
  --first-user ID        the first user id (default 1001)
  --groups N             groups 1..N (default 3)
  --groups-per-user N    groups each user joins (default 2)
  --rate R               messages a second per user (default 2)
  --group-share F        part of them sent to a group (default 0.25)
  --seed N               random seed (default 1)
  --duration SECONDS     traffic time; 0 waits for --stop-file
  --stop-file PATH       stop the traffic once this file exists
  --drain SECONDS        wait for answers and stragglers after the traffic (default 15)
  --warmup-limit SECONDS give up when logins and joins take longer (default 60)
  --max-backoff-ms MS    longest reconnect back-off (default 2000)
  -h, --help             this text

Exit status: 0 after the drain, 1 when the warm-up failed, 2 for a bad command line.
)";
}

}  // namespace parley::tools
