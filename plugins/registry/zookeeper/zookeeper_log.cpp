#include "zookeeper_log.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <spdlog/spdlog.h>
#include <zookeeper/zookeeper.h>

namespace parley::plugins::zookeeper {

namespace {

struct LevelTag {
    std::string_view tag;
    spdlog::level::level_enum level;
};

// The client writes "<time>:<pid>(<thread>):ZOO_<LEVEL>@<function>@<line>: <text>".
constexpr LevelTag kLevels[] = {
    {"ZOO_ERROR@", spdlog::level::warn},
    {"ZOO_WARN@", spdlog::level::info},
    {"ZOO_INFO@", spdlog::level::debug},
    {"ZOO_DEBUG@", spdlog::level::trace},
};

/// While a server is down the client retries every few tens of milliseconds and says so each
/// time: the same text is logged at most once per kQuietPeriod, with a count of the repeats.
constexpr std::chrono::seconds kQuietPeriod{30};

class RepeatFilter {
  public:
    /// How many times `text` was held back before; nothing when it is held back now.
    std::optional<int> pass(std::string_view text) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard lock(mutex_);
        if (recent_.size() > 256) {
            recent_.clear();  // the client's texts are few; this only bounds odd cases
        }
        auto [it, fresh] = recent_.try_emplace(std::string{text}, Recent{now, 0});
        if (fresh) {
            return 0;
        }
        Recent& recent = it->second;
        if (now - recent.logged < kQuietPeriod) {
            ++recent.held_back;
            return std::nullopt;
        }
        return std::exchange(recent, Recent{now, 0}).held_back;
    }

  private:
    struct Recent {
        std::chrono::steady_clock::time_point logged;
        int held_back;
    };
    std::mutex mutex_;
    std::unordered_map<std::string, Recent> recent_;
};

void log_once_in_a_while(spdlog::level::level_enum level, std::string_view text) {
    static RepeatFilter filter;
    if (const auto held_back = filter.pass(text)) {
        if (*held_back > 0) {
            spdlog::log(level, "zookeeper client: {} ({} more times since last logged)", text,
                        *held_back);
        } else {
            spdlog::log(level, "zookeeper client: {}", text);
        }
    }
}

}  // namespace

void route_client_log(const char* message) {
    std::string_view text = message == nullptr ? std::string_view{} : message;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    for (const auto& [tag, level] : kLevels) {
        if (const std::size_t at = text.find(tag); at != std::string_view::npos) {
            log_once_in_a_while(level, text.substr(at + tag.size()));
            return;
        }
    }
    log_once_in_a_while(spdlog::level::info, text);
}

void set_client_log_level() {
    const auto level = spdlog::get_level();
    zoo_set_debug_level(level <= spdlog::level::trace   ? ZOO_LOG_LEVEL_DEBUG
                        : level <= spdlog::level::debug ? ZOO_LOG_LEVEL_INFO
                                                        : ZOO_LOG_LEVEL_WARN);
}

}  // namespace parley::plugins::zookeeper
