#include "dispatch/builtin_interceptors.hpp"

#include <string>

namespace parley::dispatch {

std::optional<Error> AuthenticationInterceptor::inspect(const Session& session,
                                                        const Frame& frame) {
    if (session.user() == kNoUser && frame.type() != FrameType::handshake) {
        return Error(ErrorCode::login_failed, "log in first: the first frame must be a handshake");
    }
    return std::nullopt;
}

std::optional<Error> SenderCheckInterceptor::inspect(const Session& session, const Frame& frame) {
    const UserId claimed = frame.sender();
    if (session.user() != kNoUser && claimed != kNoUser && claimed != session.user()) {
        return Error(ErrorCode::permission_denied,
                     "sender " + std::to_string(claimed) + " is not you (user " +
                         std::to_string(session.user()) + "); leave sender 0 or use your own id");
    }
    return std::nullopt;
}

}  // namespace parley::dispatch
