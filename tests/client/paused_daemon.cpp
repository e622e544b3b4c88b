#include "client/paused_daemon.hpp"

#include <chrono>
#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/temp_dir.hpp"

namespace parley::client::test {
namespace {

using namespace std::chrono_literals;

/// The state letter of /proc/PID/stat ('T' once stopped), or '?' when it cannot be read.
char process_state(pid_t pid) {
    const std::string stat = parley::test::read_file("/proc/" + std::to_string(pid) + "/stat");
    // "PID (COMM) STATE ...": COMM may hold blanks and parentheses, the last ')' ends it.
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) {
        return '?';
    }
    return stat[close + 2];
}

}  // namespace

PausedDaemon::PausedDaemon(parley::test::DaemonProcess& daemon) : daemon_(daemon) {
    daemon_.send_signal(SIGSTOP);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (process_state(daemon_.pid()) != 'T') {
        if (std::chrono::steady_clock::now() > deadline) {
            resume();  // the destructor does not run for a constructor that throws
            throw std::runtime_error("parleyd (pid " + std::to_string(daemon_.pid()) +
                                     ") did not stop after SIGSTOP");
        }
        std::this_thread::sleep_for(1ms);
    }
}

PausedDaemon::~PausedDaemon() {
    resume();
}

void PausedDaemon::resume() {
    if (paused_) {
        paused_ = false;
        daemon_.send_signal(SIGCONT);
    }
}

}  // namespace parley::client::test
