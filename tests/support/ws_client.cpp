#include "support/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <gtest/gtest.h>
#include <parley.pb.h>

#include <parley/frame_decoder.hpp>

namespace parley::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

std::pair<std::string, std::string> split(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    return {endpoint.substr(0, colon), endpoint.substr(colon + 1)};
}

// Runs `io` until `done` or the deadline; then cancels `socket` and lets the handlers finish.
bool run_until(asio::io_context& io, tcp::socket& socket, std::chrono::milliseconds timeout,
               const bool& done) {
    io.restart();
    io.run_for(timeout);
    if (done) {
        return true;
    }
    error_code ignored;
    socket.cancel(ignored);
    io.restart();
    io.run();
    return false;
}

}  // namespace

WsClient::WsClient() : ws_(io_) {
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
        if (kind == websocket::frame_type::pong) {
            pongs_.emplace_back(payload);
        }
    });
}

WsClient::~WsClient() {
    error_code ignored;
    ws_.next_layer().close(ignored);
}

bool WsClient::run(std::chrono::milliseconds timeout, const bool& done) {
    return run_until(io_, ws_.next_layer(), timeout, done);
}

bool WsClient::connect(const std::string& endpoint, const std::string& path,
                       const std::string& origin) {
    const auto [host, port] = split(endpoint);
    tcp::resolver resolver(io_);
    asio::connect(ws_.next_layer(), resolver.resolve(host, port));
    ws_.set_option(websocket::stream_base::decorator([origin](websocket::request_type& request) {
        if (!origin.empty()) {
            request.set(http::field::origin, origin);
        }
    }));
    ws_.binary(true);
    bool done = false;
    error_code result;
    websocket::response_type response;
    ws_.async_handshake(response, endpoint, path, [&](const error_code& ec) {
        result = ec;
        done = true;
    });
    const bool finished = run(kTimeout, done);
    http_status_ = static_cast<int>(response.result_int());
    return finished && !result;
}

bool WsClient::send_binary(const std::string& bytes, int pieces) {
    ws_.binary(true);
    const std::size_t step =
        (bytes.size() + static_cast<std::size_t>(pieces) - 1) / static_cast<std::size_t>(pieces);
    for (std::size_t at = 0; at < bytes.size() || (at == 0 && bytes.empty());) {
        const std::size_t n = std::min(step, bytes.size() - at);
        const bool last = at + n >= bytes.size();
        bool done = false;
        error_code result;
        ws_.async_write_some(last, asio::buffer(bytes.data() + at, n),
                             [&](const error_code& ec, std::size_t) {
                                 result = ec;
                                 done = true;
                             });
        if (!run(kTimeout, done) || result) {
            return false;
        }
        at += n;
        if (last) {
            break;
        }
    }
    return true;
}

bool WsClient::send_frame(const Frame& frame) {
    const auto bytes = frame.bytes();
    return send_binary(std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

bool WsClient::send_text(const std::string& text) {
    ws_.text(true);
    bool done = false;
    error_code result;
    ws_.async_write(asio::buffer(text), [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
    });
    const bool ok = run(kTimeout, done) && !result;
    ws_.binary(true);
    return ok;
}

bool WsClient::send_ping(const std::string& payload) {
    bool done = false;
    error_code result;
    ws_.async_ping(websocket::ping_data(payload.c_str()), [&](const error_code& ec) {
        result = ec;
        done = true;
    });
    return run(kTimeout, done) && !result;
}

std::optional<Frame> WsClient::read_frame(std::chrono::milliseconds timeout) {
    if (closed_) {
        return std::nullopt;
    }
    buffer_.clear();
    bool done = false;
    error_code result;
    ws_.async_read(buffer_, [&](const error_code& ec, std::size_t) {
        result = ec;
        done = true;
    });
    if (!run(timeout, done)) {
        return std::nullopt;
    }
    if (result) {
        closed_ = true;
        return std::nullopt;
    }
    EXPECT_TRUE(ws_.got_binary()) << "the server sent a text message";
    const std::string bytes = beast::buffers_to_string(buffer_.data());
    FrameDecoder decoder(64 * 1024 * 1024);
    const std::span<const std::uint8_t> span{reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                             bytes.size()};
    const std::size_t used = decoder.consume(span);
    EXPECT_TRUE(decoder.frame_ready() && used == bytes.size())
        << "a message of " << bytes.size() << " bytes is not exactly one frame";
    if (!decoder.frame_ready()) {
        return std::nullopt;
    }
    return decoder.take_frame();
}

std::optional<Frame> WsClient::handshake(UserId user) {
    wire::Handshake body;
    body.set_user_id(user);
    body.set_token("test-token");
    body.set_client_name("parley-ws-test");
    if (!send_frame(Frame::make(FrameType::handshake, kNoUser, kNoUser, body))) {
        return std::nullopt;
    }
    return read_frame();
}

std::uint16_t WsClient::close_code() const {
    return static_cast<std::uint16_t>(ws_.reason().code);
}

HttpReply http_get(const std::string& endpoint, const std::string& target,
                   std::chrono::milliseconds timeout) {
    asio::io_context io;
    tcp::socket socket(io);
    const auto [host, port] = split(endpoint);
    tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve(host, port));
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, endpoint);
    http::response<http::string_body> response;
    beast::flat_buffer buffer;
    bool done = false;
    error_code result;
    http::async_write(socket, request, [&](const error_code& ec, std::size_t) {
        if (ec) {
            result = ec;
            done = true;
            return;
        }
        http::async_read(socket, buffer, response, [&](const error_code& read_ec, std::size_t) {
            result = read_ec;
            done = true;
        });
    });
    HttpReply reply;
    if (!run_until(io, socket, timeout, done) || result) {
        return reply;
    }
    reply.status = static_cast<int>(response.result_int());
    reply.content_type = std::string{response[http::field::content_type]};
    reply.body = response.body();
    return reply;
}

}  // namespace parley::test
