#pragma once
// Logging what a background task (a co_spawn'ed coroutine, a detached operation) failed with,
// so a failure nobody awaits is seen once rather than lost or thrown into an event loop.

#include <exception>
#include <string>
#include <utility>

namespace parley {

/// Logs `failure`, if any, as a warning: "<what>: <the exception's message>".
void log_failure(const std::string& what, const std::exception_ptr& failure);

/// A co_spawn completion that logs a failure instead of letting it escape into the loop:
/// `asio::co_spawn(executor, task(), parley::logging_failure("refreshing the records"))`.
inline auto logging_failure(std::string what) {
    return
        [what = std::move(what)](const std::exception_ptr& failure) { log_failure(what, failure); };
}

}  // namespace parley
