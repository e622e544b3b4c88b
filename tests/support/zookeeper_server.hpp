#pragma once
// A ZooKeeper server as a child process of a test: Debian's server jar, run by
// scripts/services/zookeeper.sh (the script the test command and scripts/cluster.sh use too)
// on its own loopback port and data directory. It ticks every 100 ms, so sessions may be as
// short as 200 ms and expire promptly.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {

/// scripts/services/zookeeper.sh in the source tree.
std::filesystem::path zookeeper_script();

/// Starts `zookeeper.sh run <port> <data dir>` on a free loopback port and waits until the
/// server serves (it answers `srvr`, not just accepts connections); the constructor throws with
/// the server's output when it cannot start. The destructor stops it, only this pid, and prints
/// its log when the current test has failed. Use from the test's thread.
class ZooKeeperServer {
  public:
    ZooKeeperServer();

    /// "127.0.0.1:<port>", a ZooKeeper connect string.
    std::string connect_string() const { return process_.endpoint(); }
    std::uint16_t port() const noexcept { return process_.port(); }
    bool running() const noexcept { return process_.running(); }

    /// SIGTERM (SIGKILL after 5 s). Its data stays: start() resumes where it stopped.
    void stop() { process_.stop(); }
    /// SIGKILL, as in a crash.
    void kill9() { process_.kill9(); }
    /// Starts it again (stopping it first if it runs) on the same port and data, and waits
    /// until it serves. Sessions that were alive come back with their timeouts restarted.
    void start();

  private:
    void wait_serving();

    TempDir dir_{"parley-zookeeper"};
    ServerProcess process_;
};

/// True when the server on 127.0.0.1:`port` answers the four-letter command `srvr` as a
/// serving server.
bool zookeeper_serving(std::uint16_t port);

/// The connect string of a ZooKeeper every test may use: $PARLEY_TEST_ZOOKEEPER when the test
/// command started one for the whole run, otherwise a ZooKeeperServer started once for this
/// test process. Tests sharing it isolate themselves under a root of their own
/// (unique_znode_root).
const std::string& shared_zookeeper();

/// "/parley-test/<name>-<pid>-<n>": a znode root no other test (or test process) uses.
std::string unique_znode_root(std::string_view name);

}  // namespace parley::test
