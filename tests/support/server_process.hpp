#pragma once
// A backend server (redis-server, ZooKeeper, the Kafka mock...) as a child process of a test:
// started on a loopback port, awaited until it accepts connections, and stopped by its own pid.
// Server-specific classes build on it; it knows nothing about any one server.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace parley::test {

/// A TCP port on 127.0.0.1 that nothing listened on a moment ago. The kernel picks it (bind to
/// port 0); a server started right after can take it.
std::uint16_t free_loopback_port();

/// True when a TCP connection to 127.0.0.1:`port` succeeds right now.
bool accepts_connections(std::uint16_t port);

struct ServerCommand {
    std::string name;  ///< for messages and the log file name: "redis-server"
    std::filesystem::path program;
    std::vector<std::string> args;
    std::uint16_t port = 0;  ///< ready once this loopback port accepts connections
    std::chrono::milliseconds ready_timeout{20000};
    /// Where stdin comes from; a FIFO lets a test talk to the server (the Kafka mock).
    std::filesystem::path input = "/dev/null";
};

/// Owns one running server process. The constructor starts it and waits until its port accepts
/// connections, throwing with the server's output when it exits or times out first. The
/// destructor stops it (SIGTERM, SIGKILL after 5 s) and prints its log when the test failed.
class ServerProcess {
  public:
    ServerProcess(ServerCommand command, std::filesystem::path log);
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    std::uint16_t port() const noexcept { return command_.port; }
    /// "127.0.0.1:<port>"
    std::string endpoint() const;
    pid_t pid() const noexcept { return pid_; }
    bool running() const noexcept { return !exit_status_.has_value(); }

    /// SIGKILL and reap: the server dies as in a crash, nothing flushed.
    void kill9();
    /// SIGTERM, wait up to `grace`, then SIGKILL; reaps.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    /// Starts the same command again, same port, and waits until it accepts connections.
    void restart();
    /// SIGSTOP / SIGCONT: the server holds its connections but answers nothing.
    void pause();
    void resume();

    std::string log_text() const;

  private:
    void start();

    ServerCommand command_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
};

/// The endpoint in environment variable `variable` ("host:port"), when the test command started
/// a shared server for every test; nothing when it is unset or empty.
std::optional<std::string> shared_server_from_env(const char* variable);

}  // namespace parley::test
