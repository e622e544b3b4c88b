#pragma once
// parleyd as a child process of a test: started on port 0, found through its ready file, and
// never left behind.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/temp_dir.hpp"

namespace parley::test {

struct DaemonOptions {
    /// Passed as -c, in order (later files override earlier ones). Empty: the embedded config.
    std::vector<std::filesystem::path> configs;
    /// Appended after the -c options and --ready-file.
    std::vector<std::string> extra_args;
    /// Empty: DaemonProcess::default_binary().
    std::filesystem::path binary;
    /// How long start-up (every listener bound, plugins loaded) may take.
    std::chrono::milliseconds ready_timeout{10000};
};

/// Starts parleyd with its own --ready-file and log in a temporary directory and waits for the
/// ready file. The constructor throws, with the daemon's log in the message, when the daemon
/// exits or does not get ready in time.
///
/// The destructor stops the daemon if it still runs (SIGTERM, then SIGKILL after 5 s), only
/// this pid, and reaps it; when the current test has failed it prints the daemon's log first.
/// Use from the test's thread.
class DaemonProcess {
  public:
    explicit DaemonProcess(DaemonOptions options = {});
    ~DaemonProcess();
    DaemonProcess(const DaemonProcess&) = delete;
    DaemonProcess& operator=(const DaemonProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }
    /// "host:port" of every listener, in configuration order, as the ready file lists them.
    const std::vector<std::string>& endpoints() const noexcept { return endpoints_; }
    /// The first listener.
    const std::string& endpoint() const { return endpoints_.front(); }
    std::uint16_t port() const;
    /// "host:port" of the admin listener (the ready file's admin= line); "" when it has none.
    const std::string& admin_endpoint() const noexcept { return admin_endpoint_; }
    /// "host:port" of the RPC listener (the ready file's rpc= line); "" when it has none.
    const std::string& rpc_endpoint() const noexcept { return rpc_endpoint_; }

    /// Everything the daemon wrote to stdout and stderr so far.
    std::string log_text() const;
    const std::filesystem::path& log_path() const noexcept { return log_; }
    /// Waits until the log contains `text`; false when it does not within `timeout`.
    bool wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const;

    /// Signals the daemon; ignored once it has been reaped.
    void send_signal(int signal);
    /// Waits for the daemon to exit and reaps it. Returns the exit code (128 + signal when a
    /// signal ended it), or nothing when it still runs after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    /// SIGKILL and reap, for crash tests.
    void kill9();
    bool running() const noexcept { return !exit_status_.has_value(); }

    /// $PARLEY_BUILD_DIR/bin/parleyd; throws when the variable is not set (ctest sets it).
    static std::filesystem::path default_binary();

    struct RunResult {
        int exit_code = -1;  ///< as wait_exit(); -1 when it had to be killed after `timeout`
        std::string output;  ///< stdout and stderr together
    };
    /// Runs parleyd with exactly `args` to the end: for --check-config and start-up failures.
    static RunResult run_to_completion(const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(10),
                                       const std::filesystem::path& binary = {});

  private:
    void wait_ready(std::chrono::milliseconds timeout);
    void parse_ready_file();

    TempDir dir_{"parleyd"};
    std::filesystem::path ready_file_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
    std::optional<int> exit_status_;
    std::vector<std::string> endpoints_;
    std::string admin_endpoint_;
    std::string rpc_endpoint_;
};

}  // namespace parley::test
