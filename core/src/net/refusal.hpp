#pragma once

#include <parley/error.hpp>

namespace parley::net {

/// Answers a connection the node will not serve with GOODBYE `reason`, at once and without
/// waiting: the frame is written to the fresh socket (which always has room for it), the
/// sending side shut, and what the client already sent read and dropped, so that the close
/// that follows is not a reset that would discard the GOODBYE. The caller then closes
/// `socket`, a connected, non-blocking or blocking TCP descriptor.
void refuse_connection(int socket, const Error& reason) noexcept;

}  // namespace parley::net
