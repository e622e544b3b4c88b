#pragma once
// How parley-rpc ends: each failure is an exception carrying the exit status it stands for
// (docs/rpc-cli.md lists them), so main() has one place that prints and exits.

#include <stdexcept>
#include <string>

#include <parley/error.hpp>

namespace parley::rpc_cli {

enum class ExitStatus : int {
    ok = 0,
    call_failed = 1,  ///< a server answered the call with an error code
    usage = 2,        ///< bad command line, bad JSON, unknown service or method, bad config
    unreachable = 3,  ///< no instance could be reached (UNAVAILABLE)
};

/// A failure that is not a call's answer; what() is the message for a person.
class ToolError : public std::runtime_error {
  public:
    ToolError(ExitStatus status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    ExitStatus status() const noexcept { return status_; }

  private:
    ExitStatus status_;
};

/// A call that ended with an error code, from the server or the channel.
class CallFailed : public std::runtime_error {
  public:
    CallFailed(ErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ErrorCode code() const noexcept { return code_; }
    /// UNAVAILABLE means nothing answered; any other code is an answer.
    ExitStatus status() const noexcept {
        return code_ == ErrorCode::unavailable ? ExitStatus::unreachable : ExitStatus::call_failed;
    }

  private:
    ErrorCode code_;
};

}  // namespace parley::rpc_cli
