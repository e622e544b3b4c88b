#include "cluster/cluster_backends.hpp"

#include "support/kafka_mock.hpp"
#include "support/redis_server.hpp"
#include "support/zookeeper_server.hpp"

namespace parley::test {

std::string redis_address() {
    return shared_redis();
}

std::string zookeeper_connect() {
    return shared_zookeeper();
}

std::string kafka_bootstrap() {
    return shared_kafka();
}

}  // namespace parley::test
