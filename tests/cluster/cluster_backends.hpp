#pragma once
// Where this test process finds the cluster's backends: the servers the test command started
// for the whole run (PARLEY_TEST_REDIS, PARLEY_TEST_ZOOKEEPER, PARLEY_TEST_KAFKA), or, when a
// test runs on its own, servers it starts for itself.

#include <string>

namespace parley::test {

std::string redis_address();
std::string zookeeper_connect();
std::string kafka_bootstrap();

}  // namespace parley::test
