#pragma once
// A TCP forwarder on loopback that a test can cut, to give a client a network partition from a
// real server that keeps running: a ZooKeeper session then expires on the server while its
// client cannot hear of it, just as across a broken network.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace parley::test {

/// Listens on a free loopback port and forwards each connection to 127.0.0.1:`target_port`, one
/// thread per connection. Use from the test's thread; the destructor closes everything and
/// joins its threads.
class TcpProxy {
  public:
    explicit TcpProxy(std::uint16_t target_port);
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    /// "127.0.0.1:<port>" to connect to instead of the target.
    std::string endpoint() const;

    /// Closes every forwarded connection and, until restore(), every new one at once.
    void cut();
    void restore();

  private:
    void accept_loop();
    void forward(int client, int server);
    void close_all();

    std::uint16_t target_port_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> open_{true};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;  ///< guards the two members below
    std::set<int> sockets_;
    std::vector<std::thread> forwarders_;
    std::thread acceptor_;
};

}  // namespace parley::test
