#pragma once
// A scripted Parley server on 127.0.0.1:<ephemeral> for client tests: it speaks just enough of
// the protocol (handshake, heartbeat echo, ACKs, a presence page, plugin echo) and can be told
// to misbehave (refuse logins, ignore heartbeats, stay silent, say goodbye). It runs on its own
// thread; the accessors are thread safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <parley/asio.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>

namespace parley::test {

class FakeServer {
  public:
    struct Behaviour {
        std::string node_id = "fake";
        std::uint32_t heartbeat_interval_ms = 10000;
        bool answer_handshake = true;             ///< false: accept, then stay silent
        std::optional<ErrorCode> refuse_login{};  ///< answer the handshake with this ERROR
        bool echo_heartbeats = true;
        std::optional<ErrorCode> goodbye_after_login{};  ///< GOODBYE and close right after login
        bool echo_chat = false;  ///< send chat messages back, as if from user 99
        /// How chat and membership requests are answered.
        enum class Answer { ack, rate_limited_without_ref, nothing } answer = Answer::ack;
    };

    explicit FakeServer(Behaviour behaviour);
    ~FakeServer();
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;

    std::string endpoint() const;
    int connections() const { return connections_; }
    int logins() const { return logins_; }
    int heartbeats() const { return heartbeats_; }
    /// Every frame received, in order.
    std::vector<Frame> received() const;
    /// Closes every open connection, as a crashing server would.
    void drop_connections();

  private:
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(std::shared_ptr<asio::ip::tcp::socket> socket);
    void answer(asio::ip::tcp::socket& socket, const Frame& frame);

    Behaviour behaviour_;
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::vector<std::weak_ptr<asio::ip::tcp::socket>> sockets_;  ///< server thread only
    std::atomic<int> connections_{0};
    std::atomic<int> logins_{0};
    std::atomic<int> heartbeats_{0};
    std::uint64_t next_server_id_ = 100;
    mutable std::mutex mutex_;
    std::vector<Frame> received_;
    std::thread thread_;
};

}  // namespace parley::test
