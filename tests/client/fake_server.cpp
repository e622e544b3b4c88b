#include "fake_server.hpp"

#include <array>
#include <future>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <parley/frame_decoder.hpp>

#include "parley.pb.h"

namespace parley::test {
namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

void write(asio::ip::tcp::socket& socket, const Frame& frame) {
    boost::system::error_code ignored;  // blocking is fine: loopback, tiny frames, a test
    asio::write(socket, asio::buffer(frame.bytes().data(), frame.bytes().size()), ignored);
}

}  // namespace

FakeServer::FakeServer(Behaviour behaviour)
    : behaviour_(std::move(behaviour)),
      acceptor_(io_, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
}

FakeServer::~FakeServer() {
    io_.stop();
    thread_.join();
}

std::string FakeServer::endpoint() const {
    return "127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
}

std::vector<Frame> FakeServer::received() const {
    std::lock_guard lock(mutex_);
    return received_;
}

void FakeServer::drop_connections() {
    std::promise<void> done;
    asio::post(io_, [this, &done] {
        for (auto& weak : sockets_) {
            if (auto socket = weak.lock()) {
                boost::system::error_code ignored;
                socket->close(ignored);
            }
        }
        done.set_value();
    });
    done.get_future().wait();
}

asio::awaitable<void> FakeServer::accept_loop() {
    for (;;) {
        auto socket = std::make_shared<asio::ip::tcp::socket>(io_);
        auto [ec] = co_await acceptor_.async_accept(*socket, kUseTuple);
        if (ec) {
            co_return;
        }
        ++connections_;
        sockets_.push_back(socket);
        asio::co_spawn(io_, serve(socket), asio::detached);
    }
}

asio::awaitable<void> FakeServer::serve(std::shared_ptr<asio::ip::tcp::socket> socket) {
    FrameDecoder decoder(1 << 20);
    std::array<std::uint8_t, 4096> buffer{};
    while (socket->is_open()) {
        auto [ec, size] = co_await socket->async_read_some(asio::buffer(buffer), kUseTuple);
        if (ec) {
            co_return;
        }
        std::span<const std::uint8_t> input(buffer.data(), size);
        while (!input.empty()) {
            input = input.subspan(decoder.consume(input));
            if (decoder.failed()) {
                co_return;
            }
            if (decoder.frame_ready()) {
                const Frame frame = decoder.take_frame();
                {
                    std::lock_guard lock(mutex_);
                    received_.push_back(frame);
                }
                answer(*socket, frame);
            }
        }
    }
}

void FakeServer::answer(asio::ip::tcp::socket& socket, const Frame& frame) {
    const auto reply = [&socket](FrameType type, UserId receiver,
                                 const google::protobuf::MessageLite& body) {
        write(socket, Frame::make(type, kNoUser, receiver, body));
    };
    switch (frame.type()) {
        case FrameType::handshake: {
            wire::Handshake handshake;
            frame.parse_body(handshake);
            if (behaviour_.refuse_login) {
                wire::ErrorBody error;
                error.set_code(static_cast<std::uint32_t>(*behaviour_.refuse_login));
                error.set_msg("refused by the fake server");
                error.set_ref_type(0x01);
                reply(FrameType::error, handshake.user_id(), error);
                return;
            }
            if (!behaviour_.answer_handshake) {
                return;
            }
            wire::HandshakeOk ok;
            ok.set_user_id(handshake.user_id());
            ok.set_node_id(behaviour_.node_id);
            ok.set_heartbeat_interval_ms(behaviour_.heartbeat_interval_ms);
            ok.set_session_epoch(static_cast<std::uint64_t>(connections_.load()));
            reply(FrameType::handshake, handshake.user_id(), ok);
            ++logins_;
            if (behaviour_.goodbye_after_login) {
                wire::Goodbye goodbye;
                goodbye.set_code(static_cast<std::uint32_t>(*behaviour_.goodbye_after_login));
                goodbye.set_msg("the fake server says goodbye");
                reply(FrameType::goodbye, handshake.user_id(), goodbye);
                boost::system::error_code ignored;
                socket.close(ignored);
            }
            return;
        }
        case FrameType::heartbeat:
            ++heartbeats_;
            if (behaviour_.echo_heartbeats) {
                write(socket, frame);
            }
            return;
        case FrameType::private_message:
        case FrameType::group_message:
        case FrameType::group_join:
        case FrameType::group_leave: {
            if (behaviour_.answer == Behaviour::Answer::nothing) {
                return;
            }
            if (behaviour_.answer == Behaviour::Answer::rate_limited_without_ref) {
                wire::ErrorBody error;  // as an interceptor refuses: before reading the body
                error.set_code(static_cast<std::uint32_t>(ErrorCode::rate_limited));
                error.set_msg("slow down");
                error.set_ref_type(frame.raw_type());
                reply(FrameType::error, frame.sender(), error);
                return;
            }
            wire::GroupMembership request;  // field 1 is client_msg_id in both bodies
            frame.parse_body(request);
            wire::Ack ack;
            ack.set_client_msg_id(request.client_msg_id());
            ack.set_server_msg_id(next_server_id_++);
            reply(FrameType::ack, frame.sender(), ack);
            const bool chat = frame.type() == FrameType::private_message ||
                              frame.type() == FrameType::group_message;
            if (chat && behaviour_.echo_chat) {
                write(socket, Frame::make(frame.type(), 99, frame.receiver(), frame.body()));
            }
            return;
        }
        case FrameType::presence: {
            wire::PresenceRequest request;
            frame.parse_body(request);
            wire::PresenceList list;
            list.set_client_msg_id(request.client_msg_id());
            for (UserId user : {1u, 2u, 3u}) {
                list.add_users(user);
            }
            list.set_total(3);
            reply(FrameType::presence, frame.sender(), list);
            return;
        }
        default:
            write(socket, frame);  // plugin frames come back as they went
            return;
    }
}

}  // namespace parley::test
