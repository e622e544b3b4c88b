#include "protocol.hpp"

#include "protocols.hpp"

namespace parley::bench {

std::unique_ptr<ProtocolAdapter> make_protocol(const BenchOptions& options) {
    switch (options.protocol) {
        case Protocol::parley:
            return make_parley_protocol();
        case Protocol::nats:
            return make_nats_protocol(options.durable);
        case Protocol::mqtt:
            return make_mqtt_protocol(options.mqtt_qos, options.durable);
        case Protocol::redis:
            return make_redis_protocol();
    }
    return nullptr;
}

}  // namespace parley::bench
