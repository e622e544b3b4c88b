#pragma once

#include <exception>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>

namespace parley {

/// Logs `failure`, if any, as a warning prefixed with `what`.
inline void log_failure(const std::string& what, const std::exception_ptr& failure) {
    if (!failure) {
        return;
    }
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        spdlog::warn("{}: {}", what, e.what());
    } catch (...) {
        spdlog::warn("{}: an exception that is not a std::exception", what);
    }
}

/// A co_spawn completion that logs a failure instead of letting it escape into the loop.
inline auto logging_failure(std::string what) {
    return
        [what = std::move(what)](const std::exception_ptr& failure) { log_failure(what, failure); };
}

}  // namespace parley
