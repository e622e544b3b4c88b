#include "support/kafka_mock.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/child_process.hpp"
#include "support/server_process.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

std::string broker_name(int id) {
    return id < 0 ? "all" : std::to_string(id);
}

/// The tool's answers ("ok ..." / "error ...") in its output, in order.
std::vector<std::string> answers(const std::string& log) {
    std::vector<std::string> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("ok ") || line.starts_with("error ")) {
            out.push_back(line);
        }
    }
    return out;
}

}  // namespace

std::filesystem::path KafkaMock::default_binary() {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read on the test's thread, nobody sets it
    const char* build_dir = std::getenv("PARLEY_BUILD_DIR");
    if (build_dir == nullptr || *build_dir == '\0') {
        throw std::runtime_error("PARLEY_BUILD_DIR is not set; run the test through ctest");
    }
    return std::filesystem::path{build_dir} / "bin" / "parley-kafka-mock";
}

KafkaMock::KafkaMock(const KafkaMockOptions& options)
    : ready_file_(dir_.file("ready")),
      control_(dir_.file("control")),
      log_(dir_.file("kafka-mock.log")),
      brokers_(options.brokers) {
    if (::mkfifo(control_.c_str(), 0600) != 0) {
        throw std::system_error(errno, std::generic_category(), "mkfifo " + control_.string());
    }
    // Read-write, so this open does not wait for a reader and the tool's open does not wait for
    // a writer. The descriptor stays here (close-on-exec): the tool reads what we write.
    control_fd_ = ::open(control_.c_str(), O_RDWR | O_CLOEXEC);
    if (control_fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "open " + control_.string());
    }
    std::vector<std::string> args{"--brokers", std::to_string(options.brokers), "--ready-file",
                                  ready_file_.string(), "--exit-with-parent"};
    for (const auto& topic : options.topics) {
        args.emplace_back("--topic");
        args.push_back(topic);
    }
    try {
        pid_ = spawn_logged(default_binary(), args, log_, control_);
        running_ = true;
        wait_ready(options.ready_timeout);
    } catch (...) {
        stop(0ms);  // the destructor does not run for a constructor that throws
        ::close(control_fd_);
        throw;
    }
}

KafkaMock::~KafkaMock() {
    stop();
    ::close(control_fd_);
    if (::testing::Test::HasFailure()) {
        std::cerr << "---- parley-kafka-mock log (" << log_.string() << ") ----\n"
                  << log_text() << "---- end of parley-kafka-mock log ----\n";
    }
}

void KafkaMock::wait_ready(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // The tool renames a complete file into place, so existing means complete.
    while (!std::filesystem::exists(ready_file_)) {
        if (auto status = wait_for_exit(pid_, 0ms)) {
            running_ = false;
            throw std::runtime_error("parley-kafka-mock exited with status " +
                                     std::to_string(*status) + " before it was ready:\n" +
                                     log_text());
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("parley-kafka-mock was not ready after " +
                                     std::to_string(timeout.count()) + " ms:\n" + log_text());
        }
        std::this_thread::sleep_for(10ms);
    }
    std::optional<pid_t> reported;
    std::istringstream in(read_file(ready_file_));
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("bootstrap=")) {
            bootstrap_ = line.substr(10);
        } else if (line.starts_with("pid=")) {
            reported = static_cast<pid_t>(std::stol(line.substr(4)));
        }
    }
    if (reported != pid_ || bootstrap_.empty()) {
        throw std::runtime_error("ready file " + ready_file_.string() +
                                 " lacks our pid or a bootstrap= line:\n" + read_file(ready_file_));
    }
}

void KafkaMock::broker_down(int id) {
    command("down " + broker_name(id));
}

void KafkaMock::broker_up(int id) {
    command("up " + broker_name(id));
}

void KafkaMock::command(const std::string& line) {
    if (!running_) {
        throw std::runtime_error("parley-kafka-mock is not running; cannot '" + line + "'");
    }
    const std::string text = line + '\n';
    if (::write(control_fd_, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        throw std::system_error(errno, std::generic_category(), "write to parley-kafka-mock");
    }
    const int index = answers_expected_++;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    for (;;) {
        const auto got = answers(log_text());
        if (static_cast<int>(got.size()) > index) {
            if (!got[index].starts_with("ok ")) {
                throw std::runtime_error("parley-kafka-mock refused '" + line + "': " + got[index]);
            }
            return;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("parley-kafka-mock did not answer '" + line + "':\n" +
                                     log_text());
        }
        std::this_thread::sleep_for(5ms);
    }
}

void KafkaMock::stop(std::chrono::milliseconds grace) {
    if (!running_) {
        return;
    }
    ::kill(pid_, SIGTERM);
    if (!wait_for_exit(pid_, grace)) {
        ::kill(pid_, SIGKILL);
        wait_for_exit(pid_, std::chrono::hours(1));  // SIGKILL cannot be refused
    }
    running_ = false;
}

std::string KafkaMock::log_text() const {
    return read_file(log_);
}

const std::string& shared_kafka() {
    static const std::string bootstrap = [] {
        if (auto from_env = shared_server_from_env("PARLEY_TEST_KAFKA")) {
            return *from_env;
        }
        // Lives until the test process exits, which stops it.
        static KafkaMock mock;
        return mock.bootstrap();
    }();
    return bootstrap;
}

}  // namespace parley::test
