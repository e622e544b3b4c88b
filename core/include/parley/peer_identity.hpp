#pragma once

#include <string>

#include <parley/types.hpp>

namespace parley {

/// Who the connection's transport proved the peer to be: today the verified client certificate
/// of a mutual-TLS listener.
struct PeerIdentity {
    std::string name;  ///< the certificate's subject CN, or its first SAN, as the listener says
    /// The listener says the certificate names the user (`client_certificate_user`): a
    /// HANDSHAKE may log in only as `user`.
    bool names_user = false;
    UserId user = kNoUser;  ///< the user `name` names; kNoUser when it is not a user id
};

}  // namespace parley
