#pragma once
// The adapters, one per file: parley_protocol.cpp, nats_protocol.cpp, mqtt_protocol.cpp,
// redis_protocol.cpp.

#include <memory>

#include "protocol.hpp"

namespace parley::bench {

std::unique_ptr<ProtocolAdapter> make_parley_protocol();
std::unique_ptr<ProtocolAdapter> make_nats_protocol();
/// `qos` 0 or 1, for both publishing and subscribing.
std::unique_ptr<ProtocolAdapter> make_mqtt_protocol(int qos);
std::unique_ptr<ProtocolAdapter> make_redis_protocol();

}  // namespace parley::bench
