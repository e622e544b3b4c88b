#pragma once
// What the client tests start from: real parleyd nodes on free loopback ports, written from a
// StandaloneConfig, and the directories of the plugins some tests load into them.

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "support/daemon_process.hpp"
#include "support/standalone_config.hpp"
#include "support/temp_dir.hpp"

namespace parley::client::test {

using parley::test::DaemonOptions;
using parley::test::DaemonProcess;
using parley::test::StandaloneConfig;

/// $PARLEY_BUILD_DIR/tests/`leaf`: where test-only plugins are built.
inline std::string build_subdir(const std::string& leaf) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read on the test's thread, nobody sets it
    const char* build = std::getenv("PARLEY_BUILD_DIR");
    if (build == nullptr || *build == '\0') {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the tests through ctest");
    }
    return std::string{build} + "/tests/" + leaf;
}

/// The test-only plugins of tests/test_plugins (faulty, ...).
inline std::string test_plugin_dir() {
    return build_subdir("plugins");
}

/// The plugins built for the client tests alone (dice, from examples/dice-plugin).
inline std::string client_test_plugin_dir() {
    return build_subdir("client-plugins");
}

class ClientTest : public ::testing::Test {
  protected:
    /// A standalone node called `node_id` on 127.0.0.1:0, with the daemon's defaults.
    static StandaloneConfig node_config(const std::string& node_id = "test-node") {
        StandaloneConfig config;
        config.node_id = node_id;
        return config;
    }

    /// Starts parleyd with `config` and waits until it listens. The caller owns the process;
    /// destroying it stops the daemon (only that pid).
    std::unique_ptr<DaemonProcess> start_node(const StandaloneConfig& config) {
        const auto path = parley::test::write_standalone_config(
            dir_.file(config.node_id + "-" + std::to_string(++nodes_started_) + ".yaml"), config);
        DaemonOptions options;
        options.configs = {path};
        return std::make_unique<DaemonProcess>(options);
    }

  private:
    parley::test::TempDir dir_{"client-test"};
    int nodes_started_ = 0;
};

}  // namespace parley::client::test
