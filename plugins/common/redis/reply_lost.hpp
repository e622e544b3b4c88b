#pragma once

#include <string>

#include <parley/error.hpp>

namespace parley::plugins::redis {

/// A command failed after it was handed to the connection: the connection was lost, or closed
/// because Redis did not answer within command_timeout. Redis may have run it or not; only an
/// idempotent command may be sent again. Every other failure (backend_unavailable too) means
/// the command never left this process. Thrown and caught within one plugin.
class ReplyLost final : public Error {
  public:
    explicit ReplyLost(const std::string& message)
        : Error(ErrorCode::backend_unavailable, message) {}
};

}  // namespace parley::plugins::redis
