#include <mutex>
#include <string>
#include <string_view>

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <parley/log_rate_limiter.hpp>
#include <parley/protobuf_log.hpp>

namespace parley {
namespace {

namespace pb = google::protobuf;

spdlog::level::level_enum level_of(pb::LogLevel level) {
    switch (level) {
        case pb::LOGLEVEL_INFO:
            return spdlog::level::debug;
        case pb::LOGLEVEL_WARNING:
        case pb::LOGLEVEL_ERROR:
            return spdlog::level::warn;
        case pb::LOGLEVEL_FATAL:
            break;
    }
    return spdlog::level::critical;
}

// Protobuf may log from any thread that parses.
std::mutex limiter_mutex;
LogRateLimiter limiter(kProtobufLogLinesPerSecond, std::chrono::seconds(1));

void handle(pb::LogLevel level, const char* filename, int line, const std::string& message) {
    // A fatal line comes just before protobuf aborts: it is the one that explains the crash.
    if (level != pb::LOGLEVEL_FATAL) {
        LogRateLimiter::Verdict verdict;
        {
            const std::lock_guard lock(limiter_mutex);
            verdict = limiter.admit(LogRateLimiter::Clock::now());
        }
        if (verdict.suppressed > 0) {
            spdlog::warn("protobuf: {} more log lines suppressed (at most {} a second)",
                         verdict.suppressed, kProtobufLogLinesPerSecond);
        }
        if (!verdict.log) {
            return;
        }
    }
    // Protobuf ends some messages with a space.
    std::string_view text = message;
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) {
        text.remove_suffix(1);
    }
    spdlog::log(level_of(level), "protobuf: {} ({}:{})", text, filename, line);
}

}  // namespace

void route_protobuf_log_to_spdlog() {
    static std::once_flag installed;
    std::call_once(installed, [] { pb::SetLogHandler(&handle); });
}

}  // namespace parley
