// A connection end to end over loopback sockets, without a broker: a request that waits holds
// back the later frames of its own connection (in order), never those of another connection.
#include <array>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "dispatch/dispatcher.hpp"
#include "net/session.hpp"
#include "net/tcp_stream.hpp"

namespace parley::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kLogin = FrameType::handshake;
constexpr auto kSlow = FrameType{0x80};  // answers after 200 ms
constexpr auto kFast = FrameType{0x81};  // answers at once

std::span<const std::uint8_t> as_bytes(const std::string& text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Echoes the body back, after a pause for kSlow; a handshake logs the session in as user 5.
class EchoHandler final : public Handler {
  public:
    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override {
        if (frame.type() == kLogin) {
            ctx.session->complete_login(5);
        } else if (frame.type() == kSlow) {
            asio::steady_timer pause(co_await asio::this_coro::executor, 200ms);
            co_await pause.async_wait(asio::use_awaitable);
        }
        ctx.session->send(Frame::make(frame.type(), kNoUser, 5, frame.body()));
    }
};

class NoNode final : public Node {
  public:
    const std::string& id() const noexcept override { return id_; }
    Store& store() override { throw std::logic_error("no store in this test"); }
    Router& router() override { throw std::logic_error("no router in this test"); }
    MessageLog* message_log() noexcept override { return nullptr; }
    std::uint64_t next_message_id() noexcept override { return 1; }
    std::chrono::milliseconds heartbeat_interval() const noexcept override { return 10s; }
    Registry& registry() override { throw std::logic_error("no registry in this test"); }
    bool close_session(UserId, const Error&) override { return false; }
    std::size_t users_here() const noexcept override { return 0; }

  private:
    std::string id_ = "test";
};

class NoEvents final : public SessionEvents {
  public:
    void on_login(const std::shared_ptr<ClientSession>&) override {}
    void on_leaving(ClientSession&) override {}
    void on_closed(ClientSession&) override {}
};

class Client {
  public:
    explicit Client(tcp::socket socket) : socket_(std::move(socket)) {}
    void send(FrameType type, const std::string& body) {
        const Frame frame = Frame::make(type, kNoUser, kNoUser, as_bytes(body));
        asio::write(socket_, asio::buffer(frame.bytes().data(), frame.bytes().size()));
    }
    /// Two frames in one write, so they arrive in one read.
    void send_pair(FrameType first, const std::string& a, FrameType second, const std::string& b) {
        const Frame one = Frame::make(first, kNoUser, kNoUser, as_bytes(a));
        const Frame two = Frame::make(second, kNoUser, kNoUser, as_bytes(b));
        const std::array buffers{asio::buffer(one.bytes().data(), one.bytes().size()),
                                 asio::buffer(two.bytes().data(), two.bytes().size())};
        asio::write(socket_, buffers);
    }
    std::string receive() {
        std::array<std::uint8_t, kFrameHeaderSize> header{};
        asio::read(socket_, asio::buffer(header));
        std::string body(get_u32(header.data() + 1) - kMinFrameLength, '\0');
        asio::read(socket_, asio::buffer(body));
        return body;
    }

  private:
    tcp::socket socket_;
};

class ClientSessionTest : public ::testing::Test {
  protected:
    ClientSessionTest()
        : environment_{SessionLimits{}, dispatcher_, node_, events_},
          acceptor_(loop_.get_executor(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        auto echo = std::make_shared<EchoHandler>();
        for (const auto type : {kLogin, kSlow, kFast}) {
            dispatcher_.handlers().add(type, echo, "echo");
        }
        thread_ = std::thread([this] { loop_.run(); });
    }
    ~ClientSessionTest() override {
        work_.reset();
        loop_.stop();
        thread_.join();
    }

    /// A logged-in connection served by a ClientSession on the loop.
    std::unique_ptr<Client> connect() {
        tcp::socket socket(client_io_);
        socket.connect(acceptor_.local_endpoint());
        LoopSocket served(loop_.get_executor());
        acceptor_.accept(served);
        auto session = std::make_shared<ClientSession>(
            loop_, std::make_unique<TcpStream>(std::move(served)), environment_, ++epochs_);
        asio::post(loop_, [session] { session->start(); });
        auto client = std::make_unique<Client>(std::move(socket));
        client->send(kLogin, "hello");
        EXPECT_EQ(client->receive(), "hello");
        return client;
    }

    asio::io_context loop_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{loop_.get_executor()};
    asio::io_context client_io_;
    dispatch::Dispatcher dispatcher_;
    NoNode node_;
    NoEvents events_;
    SessionEnvironment environment_;
    asio::basic_socket_acceptor<tcp, asio::io_context::executor_type> acceptor_;
    std::thread thread_;
    std::uint64_t epochs_ = 0;
};

TEST_F(ClientSessionTest, AWaitingRequestHoldsBackOnlyItsOwnConnection) {
    auto alice = connect();
    auto bob = connect();
    alice->send_pair(kSlow, "slow", kFast, "after slow");
    std::this_thread::sleep_for(50ms);  // alice's slow request is waiting now
    bob->send(kFast, "bob");
    EXPECT_EQ(bob->receive(), "bob");  // served while alice's request waits
    EXPECT_EQ(alice->receive(), "slow");
    EXPECT_EQ(alice->receive(), "after slow");  // in order, after the one that waited
}

TEST_F(ClientSessionTest, ManyFramesInOneReadAreAnsweredInOrder) {
    auto alice = connect();
    for (int i = 0; i < 50; ++i) {
        alice->send_pair(kFast, "a" + std::to_string(i), kFast, "b" + std::to_string(i));
    }
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ(alice->receive(), "a" + std::to_string(i));
        ASSERT_EQ(alice->receive(), "b" + std::to_string(i));
    }
}

}  // namespace
}  // namespace parley::net
