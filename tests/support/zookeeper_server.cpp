#include "support/zookeeper_server.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace parley::test {
namespace {

using namespace std::chrono_literals;

ServerCommand zookeeper_command(const TempDir& dir) {
    ServerCommand command;
    command.name = "zookeeper";
    command.program = zookeeper_script();
    command.port = free_loopback_port();
    command.args = {"run", std::to_string(command.port), dir.file("data").string()};
    command.ready_timeout = 30s;
    return command;
}

/// What the server answers to `word` (a four-letter command); "" when it cannot be asked.
std::string ask(std::uint16_t port, const std::string& word) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return {};
    }
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string reply;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        ::send(fd, word.data(), word.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(word.size())) {
        char buffer[1024];
        ssize_t got = 0;
        while ((got = ::recv(fd, buffer, sizeof(buffer), 0)) > 0) {
            reply.append(buffer, static_cast<std::size_t>(got));
        }
    }
    ::close(fd);
    return reply;
}

}  // namespace

std::filesystem::path zookeeper_script() {
    return std::filesystem::path{PARLEY_SOURCE_DIR} / "scripts" / "services" / "zookeeper.sh";
}

bool zookeeper_serving(std::uint16_t port) {
    return ask(port, "srvr").find("Mode: standalone") != std::string::npos;
}

ZooKeeperServer::ZooKeeperServer() : process_(zookeeper_command(dir_), dir_.file("zookeeper.log")) {
    wait_serving();
}

void ZooKeeperServer::start() {
    process_.restart();
    wait_serving();
}

void ZooKeeperServer::wait_serving() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!zookeeper_serving(process_.port())) {
        if (!process_.running() || std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("ZooKeeper on port " + std::to_string(process_.port()) +
                                     " accepts connections but does not serve:\n" +
                                     process_.log_text());
        }
        std::this_thread::sleep_for(20ms);
    }
}

const std::string& shared_zookeeper() {
    static const std::string connect = [] {
        if (auto from_env = shared_server_from_env("PARLEY_TEST_ZOOKEEPER")) {
            return *from_env;
        }
        // Lives until the test process exits, which stops it.
        static ZooKeeperServer server;
        return server.connect_string();
    }();
    return connect;
}

std::string unique_znode_root(std::string_view name) {
    static int counter = 0;
    return "/parley-test/" + std::string{name} + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(++counter);
}

}  // namespace parley::test
