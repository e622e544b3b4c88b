#pragma once
// A TCP forwarder on loopback that a test can cut, to give a client a network partition from a
// real server that keeps running: a ZooKeeper session then expires on the server while its
// client cannot hear of it, just as across a broken network. It can also lose one direction:
// the server's next reply after it ran the request (the reply lost to a restart or a time-out),
// or every request (the server never hears of them).

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

    /// What happens to the bytes forwarded from now on, on every connection.
    enum class Loss {
        none,
        /// The next bytes the server sends, on whichever connection, are dropped (the request
        /// before them was delivered and run); then back to none.
        next_reply,
        /// As next_reply, and that connection is closed right after, both ways.
        next_reply_then_close,
        /// Every byte the client sends is dropped, until set otherwise: the server never hears
        /// of a request, and answers nothing.
        requests,
    };
    void lose(Loss loss) { loss_ = loss; }
    /// How many replies next_reply and next_reply_then_close dropped so far.
    int lost_replies() const { return lost_replies_; }

  private:
    void accept_loop();
    void forward(int client, int server);
    /// Whether the bytes now waiting from the server are to be dropped (taking next_reply if
    /// so), and whether the connection is then to be closed.
    bool take_reply_loss(bool& close);
    void close_all();

    std::uint16_t target_port_;
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> open_{true};
    std::atomic<Loss> loss_{Loss::none};
    std::atomic<int> lost_replies_{0};
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;  ///< guards the two members below
    std::set<int> sockets_;
    std::vector<std::thread> forwarders_;
    std::thread acceptor_;
};

}  // namespace parley::test
