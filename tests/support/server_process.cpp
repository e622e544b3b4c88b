#include "support/server_process.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

using namespace std::chrono_literals;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

class Socket {
  public:
    Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        if (fd_ < 0) {
            throw std::runtime_error("socket() failed");
        }
    }
    ~Socket() { ::close(fd_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    int fd() const noexcept { return fd_; }

  private:
    int fd_;
};

}  // namespace

std::uint16_t free_loopback_port() {
    const Socket socket;
    sockaddr_in address = loopback(0);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    auto* generic = reinterpret_cast<sockaddr*>(&address);
    socklen_t size = sizeof(address);
    if (::bind(socket.fd(), generic, size) != 0 ||
        ::getsockname(socket.fd(), generic, &size) != 0) {
        throw std::runtime_error("could not find a free loopback port");
    }
    return ntohs(address.sin_port);
}

bool accepts_connections(std::uint16_t port) {
    const Socket socket;
    sockaddr_in address = loopback(port);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    return ::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
}

ServerProcess::ServerProcess(ServerCommand command, std::filesystem::path log)
    : command_(std::move(command)), log_(std::move(log)) {
    start();
}

ServerProcess::~ServerProcess() {
    stop();
    if (::testing::Test::HasFailure()) {
        std::cerr << "---- " << command_.name << " log (" << log_.string() << ") ----\n"
                  << log_text() << "---- end of " << command_.name << " log ----\n";
    }
}

std::string ServerProcess::endpoint() const {
    return "127.0.0.1:" + std::to_string(command_.port);
}

void ServerProcess::start() {
    pid_ = spawn_logged(command_.program, command_.args, log_, command_.input);
    exit_status_.reset();
    const auto deadline = std::chrono::steady_clock::now() + command_.ready_timeout;
    while (!accepts_connections(command_.port)) {
        if (auto status = wait_for_exit(pid_, 0ms)) {
            exit_status_ = status;
            throw std::runtime_error(command_.name + " exited with status " +
                                     std::to_string(*status) + " before it accepted connections " +
                                     "on port " + std::to_string(command_.port) + ":\n" +
                                     log_text());
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            kill9();
            throw std::runtime_error(command_.name + " did not accept connections on port " +
                                     std::to_string(command_.port) + " within " +
                                     std::to_string(command_.ready_timeout.count()) + " ms:\n" +
                                     log_text());
        }
        std::this_thread::sleep_for(20ms);
    }
}

void ServerProcess::kill9() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        exit_status_ = wait_for_exit(pid_, 10s);
    }
}

void ServerProcess::stop(std::chrono::milliseconds grace) {
    if (!running()) {
        return;
    }
    ::kill(pid_, SIGCONT);  // a paused server cannot act on SIGTERM
    ::kill(pid_, SIGTERM);
    exit_status_ = wait_for_exit(pid_, grace);
    kill9();
}

void ServerProcess::restart() {
    stop();
    start();
}

void ServerProcess::pause() {
    if (running()) {
        ::kill(pid_, SIGSTOP);
    }
}

void ServerProcess::resume() {
    if (running()) {
        ::kill(pid_, SIGCONT);
    }
}

std::string ServerProcess::log_text() const {
    return read_file(log_);
}

std::optional<std::string> shared_server_from_env(const char* variable) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read on the test's thread, nobody sets it
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string{value};
}

}  // namespace parley::test
