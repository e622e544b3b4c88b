#pragma once
// The adapters, one per file: parley_protocol.cpp, nats_protocol.cpp, mqtt_protocol.cpp,
// redis_protocol.cpp.

#include <memory>

#include "protocol.hpp"

namespace parley::bench {

std::unique_ptr<ProtocolAdapter> make_parley_protocol();
/// `jetstream`: publish into a stream with acknowledgements, read through push consumers.
std::unique_ptr<ProtocolAdapter> make_nats_protocol(bool jetstream);
/// `qos` 0 or 1, for both publishing and subscribing; `persistent_session` logs in with clean
/// session off, so the broker keeps the subscriptions and queued messages of an offline client.
std::unique_ptr<ProtocolAdapter> make_mqtt_protocol(int qos, bool persistent_session);
std::unique_ptr<ProtocolAdapter> make_redis_protocol();

}  // namespace parley::bench
