#include "support/child_process.hpp"

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support/temp_dir.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace parley::test {
namespace {

// posix_spawn's C structures, released on every path out.
class SpawnSetup {
  public:
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions_);
        posix_spawnattr_init(&attr_);
    }
    ~SpawnSetup() {
        posix_spawnattr_destroy(&attr_);
        posix_spawn_file_actions_destroy(&actions_);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;

    posix_spawn_file_actions_t actions_{};
    posix_spawnattr_t attr_{};
};

void check(int rc, const char* what) {
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), what);
    }
}

}  // namespace

pid_t spawn_logged(const std::filesystem::path& program, const std::vector<std::string>& args,
                   const std::filesystem::path& log, const std::filesystem::path& input) {
    SpawnSetup setup;
    check(
        posix_spawn_file_actions_addopen(&setup.actions_, STDIN_FILENO, input.c_str(), O_RDONLY, 0),
        "posix_spawn_file_actions_addopen");
    check(posix_spawn_file_actions_addopen(&setup.actions_, STDOUT_FILENO, log.c_str(),
                                           O_WRONLY | O_CREAT | O_TRUNC, 0644),
          "posix_spawn_file_actions_addopen");
    check(posix_spawn_file_actions_adddup2(&setup.actions_, STDOUT_FILENO, STDERR_FILENO),
          "posix_spawn_file_actions_adddup2");

    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD}) {
        sigaddset(&defaults, sig);
    }
    check(posix_spawnattr_setsigmask(&setup.attr_, &none), "posix_spawnattr_setsigmask");
    check(posix_spawnattr_setsigdefault(&setup.attr_, &defaults), "posix_spawnattr_setsigdefault");
    check(posix_spawnattr_setflags(&setup.attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF),
          "posix_spawnattr_setflags");

    std::vector<std::string> argv_storage{program.string()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(argv_storage.size() + 1);
    for (auto& arg : argv_storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    pid_t pid = 0;
    const int rc =
        posix_spawn(&pid, program.c_str(), &setup.actions_, &setup.attr_, argv.data(), environ);
    if (rc != 0) {
        throw std::system_error(rc, std::generic_category(), "cannot start " + program.string());
    }
    return pid;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t rc = ::waitpid(pid, &status, WNOHANG);
        if (rc == pid) {
            return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
        }
        if (rc < 0 && errno != EINTR) {
            throw std::system_error(errno, std::generic_category(),
                                    "waitpid " + std::to_string(pid));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        // Polling keeps this free of SIGCHLD handlers, which would be process-wide state.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

ToolRun run_tool(const std::filesystem::path& program, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout) {
    TempDir dir{"tool-run"};
    const auto log = dir.file("output.log");
    const pid_t pid = spawn_logged(program, args, log);
    ToolRun run;
    if (auto status = wait_for_exit(pid, timeout)) {
        run.status = *status;
    } else {
        ::kill(pid, SIGKILL);
        run.status = wait_for_exit(pid, std::chrono::hours(1)).value_or(-1);
    }
    run.output = read_file(log);
    return run;
}

}  // namespace parley::test
