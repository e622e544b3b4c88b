// store-memory, loaded as parleyd loads it: what is particular to it. What every store must do
// is in store_conformance_test.cpp.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <parley/config_node.hpp>

#include "plugins/plugin_test_host.hpp"

namespace parley::test {
namespace {

using ::testing::HasSubstr;

TEST(MemoryStoreTest, RefusesSettings) {
    PluginTestHost host;
    try {
        host.load("store", "memory", "capacity: 10\n");
        FAIL() << "loaded with an unknown key";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("unknown key 'capacity'"));
        EXPECT_THAT(e.what(), HasSubstr("test.yaml:1:"));
    }
}

}  // namespace
}  // namespace parley::test
