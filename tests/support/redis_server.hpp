#pragma once
// redis-server as a child process of a test, on its own loopback port, with nothing persisted
// unless asked: a restart comes back empty, as a Redis without persistence does.

#include <cstdint>
#include <string>
#include <vector>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {

struct RedisServerOptions {
    /// Non-empty: the server requires it (`requirepass`).
    std::string password;
    /// Keeps every write in an append-only file fsynced before the reply (`--appendonly yes
    /// --appendfsync always`), so a restart comes back with the data.
    bool append_only = false;
    /// More command-line arguments, e.g. {"--enable-debug-command", "local"}.
    std::vector<std::string> extra_args;
};

/// Starts /usr/bin/redis-server on a free loopback port (`--bind 127.0.0.1 --save ""
/// --appendonly no` unless `append_only`, working directory in a temporary directory) and waits
/// until it accepts connections; the constructor throws with the server's output when it cannot
/// start. The destructor stops it, only this pid, and prints its log when the current test has
/// failed. Use from the test's thread.
class RedisServer {
  public:
    explicit RedisServer(const RedisServerOptions& options = {});

    /// "127.0.0.1:<port>"
    std::string endpoint() const { return process_.endpoint(); }
    std::uint16_t port() const noexcept { return process_.port(); }
    bool running() const noexcept { return process_.running(); }

    /// SIGTERM (SIGKILL after 5 s): clients see their connections close.
    void stop() { process_.stop(); }
    /// Starts it again (stopping it first if it runs) on the same port: empty, or with what its
    /// append-only file kept.
    void restart() { process_.restart(); }
    /// SIGSTOP / SIGCONT: connections stay open but nothing is answered.
    void pause() { process_.pause(); }
    void resume() { process_.resume(); }

  private:
    TempDir dir_{"parley-redis"};
    ServerProcess process_;
};

/// "host:port" of a Redis every test may use: $PARLEY_TEST_REDIS when the test command started
/// one for the whole run, otherwise a RedisServer started once for this test process. Tests
/// sharing it isolate themselves with their own key prefix.
const std::string& shared_redis();

}  // namespace parley::test
