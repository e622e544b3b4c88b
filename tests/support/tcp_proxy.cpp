#include "support/tcp_proxy.hpp"

#include <array>
#include <stdexcept>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace parley::test {
namespace {

constexpr int kPollMs = 50;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
sockaddr* generic(sockaddr_in& address) {
    return reinterpret_cast<sockaddr*>(&address);
}

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(port);
    if (fd >= 0 && ::connect(fd, generic(address), sizeof(address)) == 0) {
        return fd;
    }
    if (fd >= 0) {
        ::close(fd);
    }
    return -1;
}

/// Copies what `from` has to `to`; false at EOF or on an error.
bool pass_on(int from, int to) {
    std::array<char, 16384> buffer{};
    const ssize_t got = ::recv(from, buffer.data(), buffer.size(), 0);
    if (got <= 0) {
        return false;
    }
    for (ssize_t sent = 0; sent < got;) {
        const ssize_t n =
            ::send(to, buffer.data() + sent, static_cast<std::size_t>(got - sent), MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        sent += n;
    }
    return true;
}

/// Reads what `from` has and drops it; false at EOF or on an error.
bool drop_from(int from) {
    std::array<char, 16384> buffer{};
    return ::recv(from, buffer.data(), buffer.size(), 0) > 0;
}

}  // namespace

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = loopback(0);
    socklen_t size = sizeof(address);
    if (listener_ < 0 || ::bind(listener_, generic(address), size) != 0 ||
        ::listen(listener_, 64) != 0 || ::getsockname(listener_, generic(address), &size) != 0) {
        if (listener_ >= 0) {
            ::close(listener_);
        }
        throw std::runtime_error("TcpProxy: cannot listen on loopback");
    }
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
    stopping_ = true;
    acceptor_.join();
    close_all();
    std::vector<std::thread> forwarders;
    {
        std::lock_guard lock(mutex_);
        forwarders.swap(forwarders_);
    }
    for (auto& forwarder : forwarders) {
        forwarder.join();
    }
    ::close(listener_);
}

std::string TcpProxy::endpoint() const {
    return "127.0.0.1:" + std::to_string(port_);
}

void TcpProxy::cut() {
    open_ = false;
    close_all();
}

void TcpProxy::restore() {
    open_ = true;
}

void TcpProxy::close_all() {
    std::lock_guard lock(mutex_);
    for (const int fd : sockets_) {
        ::shutdown(fd, SHUT_RDWR);  // its forwarder sees the end and closes it
    }
}

void TcpProxy::accept_loop() {
    while (!stopping_) {
        pollfd ready{listener_, POLLIN, 0};
        if (::poll(&ready, 1, kPollMs) <= 0) {
            continue;
        }
        const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            continue;
        }
        const int server = open_ ? connect_to(target_port_) : -1;
        if (server < 0) {
            ::close(client);
            continue;
        }
        std::lock_guard lock(mutex_);
        sockets_.insert(client);
        sockets_.insert(server);
        forwarders_.emplace_back([this, client, server] { forward(client, server); });
    }
}

bool TcpProxy::take_reply_loss(bool& close) {
    for (const Loss loss : {Loss::next_reply, Loss::next_reply_then_close}) {
        Loss expected = loss;
        if (loss_.compare_exchange_strong(expected, Loss::none)) {
            close = loss == Loss::next_reply_then_close;
            ++lost_replies_;
            return true;
        }
    }
    return false;
}

void TcpProxy::forward(int client, int server) {
    std::array<pollfd, 2> fds{pollfd{client, POLLIN, 0}, pollfd{server, POLLIN, 0}};
    bool alive = true;
    while (alive && !stopping_) {
        if (::poll(fds.data(), fds.size(), kPollMs) <= 0) {
            continue;
        }
        for (std::size_t i = 0; i < fds.size() && alive; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            const bool from_server = i == 1;
            bool close = false;
            if (!from_server && loss_ == Loss::requests) {
                alive = drop_from(fds[i].fd);
            } else if (from_server && take_reply_loss(close)) {
                alive = drop_from(fds[i].fd) && !close;
            } else {
                alive = pass_on(fds[i].fd, fds[1 - i].fd);
            }
        }
    }
    std::lock_guard lock(mutex_);
    sockets_.erase(client);
    sockets_.erase(server);
    ::close(client);
    ::close(server);
}

}  // namespace parley::test
