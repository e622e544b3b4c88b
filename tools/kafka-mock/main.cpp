// parley-kafka-mock: librdkafka's mock Kafka cluster as a process, for tests and local clusters
// only. See mock_usage() and docs/kafka-mock.md.

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "control_command.hpp"
#include "mock_cluster.hpp"
#include "mock_options.hpp"

namespace {

using parley::tools::MockCluster;
using parley::tools::MockOptions;

/// SIGTERM and SIGINT, blocked in every thread (librdkafka's threads inherit the mask, so it
/// must happen before the cluster starts) and read from a descriptor in the main loop.
int block_stop_signals() {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    if (pthread_sigmask(SIG_BLOCK, &stop, nullptr) != 0) {
        throw std::runtime_error("cannot block SIGTERM and SIGINT");
    }
    const int fd = signalfd(-1, &stop, SFD_CLOEXEC);
    if (fd < 0) {
        throw std::runtime_error("signalfd failed");
    }
    // Answers go to stdout; a reader that went away must not kill the cluster.
    std::signal(SIGPIPE, SIG_IGN);
    return fd;
}

void write_ready_file(const std::filesystem::path& path, const std::string& bootstrap) {
    const auto temp = path.string() + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::trunc);
        out << "bootstrap=" << bootstrap << "\npid=" << ::getpid() << '\n';
        out.close();
        if (!out) {
            throw std::runtime_error("cannot write " + temp);
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        throw std::runtime_error("cannot rename " + temp + " to " + path.string() + ": " +
                                 ec.message());
    }
}

/// Splits what stdin delivers into lines and runs each as a command.
class ControlInput {
  public:
    explicit ControlInput(MockCluster& cluster) : cluster_(cluster) {}

    /// Reads what is available; false once stdin is at its end (or unreadable).
    bool read_some() {
        char chunk[4096];
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof(chunk));
        if (n < 0) {
            return errno == EINTR || errno == EAGAIN;
        }
        if (n == 0) {
            return false;
        }
        pending_.append(chunk, static_cast<std::size_t>(n));
        for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n')) {
            answer(pending_.substr(0, end));
            pending_.erase(0, end + 1);
        }
        return true;
    }

  private:
    void answer(const std::string& line) {
        const std::string reply = parley::tools::run_control_command(cluster_, line);
        if (!reply.empty()) {
            std::cout << reply << std::endl;
        }
    }

    MockCluster& cluster_;
    std::string pending_;
};

/// Serves until SIGTERM/SIGINT (or, with --exit-with-parent, until the parent is gone).
void serve(MockCluster& cluster, int signal_fd, bool exit_with_parent) {
    const pid_t parent = ::getppid();
    ControlInput control(cluster);
    bool stdin_open = true;
    for (;;) {
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
        const nfds_t count = stdin_open ? 2 : 1;
        const int ready = ::poll(fds, count, 500);
        if (ready < 0 && errno != EINTR) {
            throw std::runtime_error("poll failed");
        }
        if (ready > 0 && (fds[0].revents & POLLIN) != 0) {
            signalfd_siginfo info{};
            if (::read(signal_fd, &info, sizeof(info)) == sizeof(info)) {
                std::cerr << "parley-kafka-mock: signal " << info.ssi_signo << ", stopping"
                          << std::endl;
            }
            return;
        }
        if (stdin_open && ready > 0 && fds[1].revents != 0) {
            // End of input is normal (stdin from /dev/null): keep serving without commands.
            stdin_open = control.read_some();
        }
        if (exit_with_parent && ::getppid() != parent) {
            std::cerr << "parley-kafka-mock: parent " << parent << " exited, stopping" << std::endl;
            return;
        }
    }
}

int run(const MockOptions& options) {
    const int signal_fd = block_stop_signals();
    MockCluster cluster(options.brokers);
    for (const auto& topic : options.topics) {
        cluster.create_topic(topic.name, topic.partitions);
    }
    const std::string bootstrap = cluster.bootstrap();
    std::cout << "bootstrap=" << bootstrap << std::endl;
    if (!options.ready_file.empty()) {
        write_ready_file(options.ready_file, bootstrap);
    }
    serve(cluster, signal_fd, options.exit_with_parent);
    if (!options.ready_file.empty()) {
        std::error_code ignored;
        std::filesystem::remove(options.ready_file, ignored);
    }
    ::close(signal_fd);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::optional<MockOptions> options;
    try {
        options = parley::tools::parse_mock_options(argc, argv);
    } catch (const std::invalid_argument& e) {
        std::cerr << "parley-kafka-mock: " << e.what() << '\n';
        return 2;
    }
    if (options->help) {
        std::cout << parley::tools::mock_usage();
        return 0;
    }
    try {
        return run(*options);
    } catch (const std::exception& e) {
        std::cerr << "parley-kafka-mock: " << e.what() << '\n';
        return 1;
    }
}
