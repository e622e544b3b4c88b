#include "admin/admin_listener.hpp"

#include <array>
#include <chrono>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include <parley/endpoint.hpp>

namespace parley::admin {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

struct AdminListener::State {
    State(asio::io_context& control, const config::AdminSettings& admin, const Router& routes)
        : acceptor(control), settings(admin), router(routes) {}
    tcp::acceptor acceptor;
    const config::AdminSettings settings;
    const Router& router;  ///< the node's; outlives every connection's run
    std::size_t open = 0;  ///< connections being served; control loop only
    bool stopped = false;
};

namespace {

/// Largest request head; the rest of max_request_size is for the body.
constexpr std::size_t kMaxHead = 8 * 1024;
/// How long an answer may take to be written before the connection is dropped.
constexpr std::chrono::seconds kWriteTimeout{10};

/// Client bytes fit for a log line: printable ASCII, at most 200 characters.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 200)) {
        out += (c >= ' ' && c <= '~') ? c : '?';
    }
    if (text.size() > 200) {
        out += "...";
    }
    return out;
}

/// The answer to a request that could not be read: nothing (the connection just closes) for
/// a time-out or a peer gone, 4xx in the result shape otherwise.
std::optional<Answer> answer_unreadable(const boost::system::error_code& ec) {
    if (ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
        ec == beast::http::error::end_of_stream) {
        return std::nullopt;
    }
    if (ec == beast::http::error::header_limit) {
        Answer answer = result(ErrorCode::frame_too_large, "request head too large");
        answer.status = http::status::request_header_fields_too_large;
        return answer;
    }
    if (ec == beast::http::error::body_limit || ec == beast::http::error::buffer_overflow) {
        return result(ErrorCode::frame_too_large, "request over admin.max_request_size");
    }
    return result(ErrorCode::bad_frame, "not an HTTP/1.1 request: " + ec.message());
}

http::response<http::string_body> to_response(const Answer& answer, unsigned version,
                                              bool keep_alive) {
    http::response<http::string_body> response{answer.status, version};
    response.set(http::field::server, "parleyd");
    response.set(http::field::content_type, answer.content_type);
    response.set(http::field::cache_control, "no-store");
    for (const auto& [field, value] : answer.headers) {
        response.set(field, value);
    }
    response.body() = answer.body;
    response.keep_alive(keep_alive);
    response.prepare_payload();
    return response;
}

asio::awaitable<void> write_answer(beast::tcp_stream& stream, const Answer& answer,
                                   unsigned version, bool keep_alive,
                                   boost::system::error_code& ec) {
    auto response = to_response(answer, version, keep_alive);
    stream.expires_after(kWriteTimeout);
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
}

void log_request(const std::string& peer, std::string_view method, std::string_view target,
                 const Answer& answer, std::chrono::steady_clock::time_point started) {
    const auto took =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started);
    spdlog::info("admin: {} {} {} -> {} {} {} in {:.1f} ms", peer, printable(method),
                 printable(target), static_cast<unsigned>(answer.status),
                 static_cast<unsigned>(answer.code), to_string(answer.code), took.count());
}

asio::awaitable<void> serve(std::shared_ptr<AdminListener::State> state, tcp::socket socket) {
    ++state->open;
    struct Release {
        AdminListener::State& state;
        ~Release() { --state.open; }
    } release{*state};  // the state is held for the whole coroutine
    boost::system::error_code ec;
    const std::string peer = Endpoint::from(socket.remote_endpoint(ec)).to_string();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(state->settings.max_request_size);
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(
            static_cast<std::uint32_t>(std::min(kMaxHead, state->settings.max_request_size)));
        parser.body_limit(state->settings.max_request_size);
        // One deadline for the whole request: a client trickling bytes is cut off at it.
        stream.expires_after(state->settings.request_timeout);
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        const auto started = std::chrono::steady_clock::now();
        if (ec) {
            const auto answer = answer_unreadable(ec);
            if (!answer) {
                spdlog::debug("admin: {}: connection ends: {}", peer, ec.message());
                break;
            }
            log_request(peer, "-", "-", *answer, started);
            co_await write_answer(stream, *answer, 11, false, ec);
            break;
        }
        const HttpRequest& request = parser.get();
        const Answer answer = co_await state->router.handle(request);
        log_request(peer, request.method_string(), request.target(), answer, started);
        const bool keep_alive = request.keep_alive() && !state->stopped;
        co_await write_answer(stream, answer, request.version(), keep_alive, ec);
        if (ec || !keep_alive) {
            break;
        }
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> refuse_busy(tcp::socket socket) {
    boost::system::error_code ec;
    const std::string peer = Endpoint::from(socket.remote_endpoint(ec)).to_string();
    beast::tcp_stream stream(std::move(socket));
    const Answer answer = result(ErrorCode::server_busy, "too many admin connections");
    log_request(peer, "-", "-", answer, std::chrono::steady_clock::now());
    co_await write_answer(stream, answer, 11, false, ec);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    // Read what the client sent and drop it, briefly, so that the close is not a reset that
    // would discard the answer.
    std::array<char, 1024> sink{};
    stream.expires_after(std::chrono::seconds(1));
    while (!ec) {
        co_await stream.async_read_some(asio::buffer(sink),
                                        asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<void> accept_loop(std::shared_ptr<AdminListener::State> state) {
    while (!state->stopped) {
        boost::system::error_code ec;
        tcp::socket socket =
            co_await state->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || state->stopped) {
            break;
        }
        if (ec) {
            // Out of descriptors, most likely: wait a moment rather than spin.
            spdlog::warn("admin: accept failed: {}", ec.message());
            asio::steady_timer pause(state->acceptor.get_executor(),
                                     std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        const auto executor = state->acceptor.get_executor();
        if (state->open >= state->settings.max_connections) {
            asio::co_spawn(executor, refuse_busy(std::move(socket)), asio::detached);
        } else {
            asio::co_spawn(executor, serve(state, std::move(socket)), asio::detached);
        }
    }
}

}  // namespace

AdminListener::AdminListener(asio::io_context& control, const config::AdminSettings& settings,
                             const Router& router)
    : state_(std::make_shared<State>(control, settings, router)) {
    const config::ListenEndpoint& where = *settings.listen;
    boost::system::error_code ec;
    tcp::resolver resolver(control);
    auto found = resolver.resolve(where.host, std::to_string(where.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || found.empty()) {
        throw std::system_error(
            ec, where.where.to_string() + ": cannot resolve admin host '" + where.host + "'");
    }
    const tcp::endpoint address = found.begin()->endpoint();
    tcp::acceptor& acceptor = state_->acceptor;
    acceptor.open(address.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(address, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::system_error(ec, "cannot listen on admin address " + where.host + ":" +
                                        std::to_string(where.port) + " (" +
                                        where.where.to_string() + ")");
    }
}

AdminListener::~AdminListener() {
    stop();
}

tcp::endpoint AdminListener::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

void AdminListener::start() {
    asio::co_spawn(state_->acceptor.get_executor(), accept_loop(state_), asio::detached);
}

void AdminListener::stop() {
    state_->stopped = true;
    boost::system::error_code ec;
    state_->acceptor.close(ec);
}

}  // namespace parley::admin
