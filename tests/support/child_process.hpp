#pragma once
// Starting and reaping child processes for tests, without a shell in between.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace parley::test {

/// Starts `program` with `args` as argv[1..] and the test's environment; stdin reads `input`
/// (default /dev/null), stdout and stderr both go to `log` (truncated). Signal mask and
/// dispositions are reset, so the child reacts to SIGTERM even if the test runner blocked it.
/// Throws on failure.
pid_t spawn_logged(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const std::filesystem::path& log,
                   const std::filesystem::path& input = "/dev/null");

/// Reaps `pid` once it has exited, waiting at most `timeout`. Returns the status in shell terms
/// (the exit code, or 128 + the signal number), or nothing while it still runs.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

/// What a command-line tool did: its exit status (as wait_for_exit says it) and its stdout and
/// stderr together.
struct ToolRun {
    int status = -1;
    std::string output;
};

/// Runs `program` with `args` and stdin from /dev/null until it exits; one still running after
/// `timeout` is killed (status 128 + 9).
ToolRun run_tool(const std::filesystem::path& program, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace parley::test
