#pragma once
// Parley's framing without the login: a connection opened with it is "ready" as soon as TCP
// is, writes nothing of its own, and reads the node's answers (ERROR, GOODBYE) as a logged-in
// one would. The attacks that never log in, or write their own broken frames, use it.

#include <memory>

#include "protocol.hpp"

namespace parley::bench::abuse {

std::unique_ptr<ProtocolAdapter> make_silent_parley_protocol();

}  // namespace parley::bench::abuse
