#include "support/daemon_process.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "support/child_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

std::filesystem::path or_default(const std::filesystem::path& binary) {
    return binary.empty() ? DaemonProcess::default_binary() : binary;
}

}  // namespace

std::filesystem::path DaemonProcess::default_binary() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read on the test's thread, nobody sets it
    const char* build_dir = std::getenv("PARLEY_BUILD_DIR");
    if (build_dir == nullptr || *build_dir == '\0') {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the test through ctest");
    }
    return std::filesystem::path{build_dir} / "bin" / "parleyd";
}

DaemonProcess::DaemonProcess(DaemonOptions options)
    : ready_file_(dir_.file("ready")), log_(dir_.file("parleyd.log")) {
    std::vector<std::string> args;
    for (const auto& config : options.configs) {
        args.emplace_back("-c");
        args.push_back(config.string());
    }
    args.emplace_back("--ready-file");
    args.push_back(ready_file_.string());
    args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());

    pid_ = spawn_logged(or_default(options.binary), args, log_);
    try {
        wait_ready(options.ready_timeout);
        parse_ready_file();
    } catch (...) {
        kill9();  // the destructor will not run for a constructor that throws
        throw;
    }
}

DaemonProcess::~DaemonProcess() {
    if (running()) {
        send_signal(SIGTERM);
        if (!wait_exit(5s)) {
            kill9();
        }
    }
    if (::testing::Test::HasFailure()) {
        std::cerr << "---- parleyd log (" << log_.string() << ") ----\n"
                  << log_text() << "---- end of parleyd log ----\n";
    }
}

void DaemonProcess::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // The daemon renames a complete file into place, so existing means complete.
    while (!std::filesystem::exists(ready_file_)) {
        if (auto status = wait_exit(0ms)) {
            throw std::runtime_error("parleyd exited with status " + std::to_string(*status) +
                                     " before it was ready; its output:\n" + log_text());
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("parleyd was not ready after " +
                                     std::to_string(timeout.count()) + " ms; its output:\n" +
                                     log_text());
        }
        std::this_thread::sleep_for(20ms);
    }
}

void DaemonProcess::parse_ready_file() {
    std::ifstream in(ready_file_);
    std::string line;
    std::optional<pid_t> reported;
    while (std::getline(in, line)) {
        if (line.starts_with("pid=")) {
            reported = static_cast<pid_t>(std::stol(line.substr(4)));
        } else if (line.starts_with("listen=")) {
            endpoints_.push_back(line.substr(7));
        } else if (line.starts_with("admin=")) {
            admin_endpoint_ = line.substr(6);
        } else if (line.starts_with("rpc=")) {
            rpc_endpoint_ = line.substr(4);
        }
    }
    if (reported != pid_ || endpoints_.empty()) {
        throw std::runtime_error("ready file " + ready_file_.string() +
                                 " lacks our pid or a listen= line:\n" + read_file(ready_file_));
    }
}

std::uint16_t DaemonProcess::port() const {
    const std::string& ep = endpoint();
    return static_cast<std::uint16_t>(std::stoul(ep.substr(ep.rfind(':') + 1)));
}

std::string DaemonProcess::log_text() const {
    return read_file(log_);
}

bool DaemonProcess::wait_for_log(const std::string& text, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (log_text().find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(20ms);
    }
    return true;
}

void DaemonProcess::send_signal(int signal) {
    if (running()) {
        ::kill(pid_, signal);
    }
}

std::optional<int> DaemonProcess::wait_exit(std::chrono::milliseconds timeout) {
    if (running()) {
        exit_status_ = wait_for_exit(pid_, timeout);
    }
    return exit_status_;
}

void DaemonProcess::kill9() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        exit_status_ = wait_for_exit(pid_, 1h);  // SIGKILL cannot be refused; this returns soon
    }
}

DaemonProcess::RunResult DaemonProcess::run_to_completion(const std::vector<std::string>& args,
                                                          std::chrono::milliseconds timeout,
                                                          const std::filesystem::path& binary) {
    TempDir dir{"parleyd-run"};
    const auto log = dir.file("output.log");
    const pid_t pid = spawn_logged(or_default(binary), args, log);
    RunResult result;
    if (auto status = wait_for_exit(pid, timeout)) {
        result.exit_code = *status;
    } else {
        ::kill(pid, SIGKILL);
        wait_for_exit(pid, std::chrono::hours(1));
    }
    result.output = read_file(log);
    return result;
}

}  // namespace parley::test
