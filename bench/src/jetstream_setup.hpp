#pragma once
// Creates the benchmark's JetStream stream (jetstream_api.hpp) on a nats-server before any user
// connects, over one short connection of its own: the consumers the users create need it.
// Throws std::runtime_error with the server's answer when it refuses or does not answer.

#include "options.hpp"

namespace parley::bench {

void create_jetstream_stream(const Endpoint& server);

}  // namespace parley::bench
