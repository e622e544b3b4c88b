#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <parley/client/client.hpp>

#include "command.hpp"
#include "command_parser.hpp"
#include "event_formatter.hpp"
#include "output_log.hpp"
#include "stdin_lines.hpp"

namespace parley::cli {

/// Exit statuses of parley-cli; docs/terminal-client.md lists them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitWaitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLoginRefused = 3;

/// The terminal client proper: runs commands against a Client on the command thread and
/// prints the client's events, which arrive on the client's loop. The two threads share only
/// the output log, the set of requests awaiting an answer and two flags.
class TerminalSession {
  public:
    /// On end of input, script mode waits this long for the answers to outstanding requests.
    static constexpr std::chrono::milliseconds kDrainTimeout{2000};

    TerminalSession(std::shared_ptr<client::Client> client, const EventFormatter& formatter,
                    OutputLog& output, bool script);

    /// Callbacks that feed this session; give them to the client before it starts. They
    /// refer to this object, which must outlive the client's loop.
    client::ClientEvents events();

    /// Reads and runs commands until /quit, end of input, a failed /wait, a bad script line
    /// or a refused login. Returns the exit status.
    int run(StdinLines& input);
    /// Parses and runs one line; nullopt to go on, or the exit status to end with.
    std::optional<int> execute_line(std::string_view line, int line_number);

    /// Stops the client and waits, at most `grace`, until it has stopped.
    void shutdown(std::chrono::milliseconds grace);

  private:
    std::optional<int> execute(const Command& command, int line_number);
    /// Ends the session the way end of input or /quit does.
    int finish();
    /// A note for the person at the terminal (help, usage); stderr in script mode, so stdout
    /// stays one event per line.
    void note(const std::string& text);

    void track(std::uint64_t id);
    void settle(std::uint64_t id);
    bool wait_for_pending(std::chrono::milliseconds timeout);
    void client_stopped(bool login_refused);

    std::shared_ptr<client::Client> client_;
    const EventFormatter& formatter_;
    OutputLog& output_;
    bool script_;
    CommandParser parser_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::set<std::uint64_t> pending_;        ///< requests awaiting ACK, ERROR or a user list
    std::set<std::uint64_t> settled_early_;  ///< answered before track() saw them
    std::atomic<bool> stopped_{false};
    std::atomic<bool> login_refused_{false};
};

}  // namespace parley::cli
