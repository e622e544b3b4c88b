#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

namespace parley::net {

/// Why the node turned a client away; each kind has its own budget of log lines.
enum class Refusal : std::uint8_t {
    bad_stream,       ///< a bad header or an oversized frame (3000, 3002)
    busy,             ///< a connection limit (5004) or no descriptor left
    failed_login,     ///< a handshake refused, or too many of them (5005)
    login_throttled,  ///< the address's failed logins are over its rate (4000)
    slow_consumer,    ///< the node's output cap (5002)
    group_backlog,    ///< a group message while the group fan-out is behind (4000)
    count
};

/// True when a line of `kind` may be logged now: at most a few per second each, so that a
/// flood of refusals cannot flood the log. `skipped` is set to the lines of that kind left out
/// since the last one logged. Thread safe.
bool refusal_log_admits(Refusal kind, std::uint64_t& skipped) noexcept;

/// Counts a refusal of `kind` in the node's metrics (parley_refusals_total).
void count_refusal(Refusal kind) noexcept;

/// Counts a refusal and logs it at info, rate-limited per kind. Never pass a token or other
/// secret.
template <typename... Args>
void log_refusal(Refusal kind, spdlog::format_string_t<Args...> format, Args&&... args) {
    count_refusal(kind);
    std::uint64_t skipped = 0;
    if (!refusal_log_admits(kind, skipped)) {
        return;
    }
    const std::string line = fmt::format(format, std::forward<Args>(args)...);
    if (skipped == 0) {
        spdlog::info("refused: {}", line);
    } else {
        spdlog::info("refused: {} ({} similar refusals not logged)", line, skipped);
    }
}

}  // namespace parley::net
