#pragma once

#include <string>

#include <parley/error.hpp>
#include <parley/session.hpp>

namespace parley::plugins::handlers {

/// On a listener whose verified client certificate names the user (client_certificate_user),
/// a HANDSHAKE may log in only as that user: throws permission_denied for any other.
inline void check_certificate_user(const Session& session, UserId user) {
    const auto identity = session.peer_identity();
    if (!identity || !identity->names_user || identity->user == user) {
        return;
    }
    throw Error(ErrorCode::permission_denied, "the client certificate names '" + identity->name +
                                                  "', not user " + std::to_string(user));
}

}  // namespace parley::plugins::handlers
