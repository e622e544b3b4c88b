#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/listener_settings.hpp"
#include "net/rate_limited_log.hpp"
#include "net/static_files.hpp"

namespace parley::net {

/// What every connection of one ws/wss listener shares: where the upgrade is accepted, which
/// origins may make it, the static files, the largest message, and the rate limit of its
/// refusal log lines. Made at start-up, read-only afterwards (any loop may use it).
struct WsContext {
    WsContext(const config::WebSocketSettings& settings, std::uint64_t largest_message,
              std::string listener_name)
        : path(settings.path),
          allowed_origins(settings.allowed_origins),
          max_message(largest_message),
          listener(std::move(listener_name)) {
        if (!settings.static_files.empty()) {
            static_files.emplace(settings.static_files);
        }
    }

    bool origin_allowed(const std::string& origin) const {
        if (allowed_origins.empty()) {
            return true;
        }
        for (const auto& allowed : allowed_origins) {
            if (allowed == origin) {
                return true;
            }
        }
        return false;
    }

    std::string path;
    std::vector<std::string> allowed_origins;
    std::optional<StaticFiles> static_files;
    std::uint64_t max_message;  ///< a whole Parley frame of max_frame_size
    std::string listener;       ///< "ws://127.0.0.1:7480", for log lines
    mutable RateLimitedLog refusal_log{std::chrono::seconds(1)};
};

}  // namespace parley::net
