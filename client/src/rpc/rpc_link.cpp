#include "rpc/rpc_link.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace parley::client::rpc {

RpcLink::RpcLink(const FrameConnection::Executor& executor, Endpoint endpoint,
                 std::uint32_t max_frame_size, std::string token)
    : endpoint_(std::move(endpoint)),
      token_(std::move(token)),
      connection_(std::make_shared<FrameConnection>(executor, max_frame_size)),
      opened_(executor) {}

asio::awaitable<bool> RpcLink::open() {
    auto self = shared_from_this();
    if (state_ == State::idle) {
        state_ = State::connecting;
        const bool connected = co_await connection_->connect(endpoint_);
        if (state_ == State::connecting) {
            state_ = connected ? State::open : State::dead;
        }
        if (state_ == State::open) {
            connection_->start_writer();
            asio::co_spawn(opened_.get_executor(), read_loop(), asio::detached);
        }
        opened_.cancel();
    }
    while (state_ == State::connecting) {
        opened_.expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ignored;
        co_await opened_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    co_return state_ == State::open;
}

void RpcLink::send(const std::shared_ptr<OutgoingCall>& call, const std::string& method) {
    call->link = shared_from_this();
    call->call_id = next_call_id_++;
    call->outcome = OutgoingCall::Outcome::pending;
    if (state_ != State::open) {
        call->outcome = OutgoingCall::Outcome::lost;
        call->lost_reason = error_text();
        call->wake.cancel();
        return;
    }
    wire::RpcRequest request;
    request.set_call_id(call->call_id);
    request.set_method(method);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        call->deadline - std::chrono::steady_clock::now());
    request.set_timeout_ms(static_cast<std::uint32_t>(std::max<std::int64_t>(1, left.count())));
    request.set_payload(call->payload);
    request.set_token(token_);
    in_flight_.emplace(call->call_id, call);
    connection_->send(Frame::make(FrameType::rpc, kNoUser, kNoUser, request));
}

void RpcLink::cancel(std::uint64_t call_id) {
    if (in_flight_.erase(call_id) == 0 || state_ != State::open) {
        return;
    }
    wire::RpcCancel cancel;
    cancel.set_call_id(call_id);
    connection_->send(Frame::make(FrameType::rpc_cancel, kNoUser, kNoUser, cancel));
}

void RpcLink::close(const std::string& reason) {
    connection_->close(reason);
    state_ = State::dead;
    lose_all(reason);
    opened_.cancel();
}

asio::awaitable<void> RpcLink::read_loop() {
    auto self = shared_from_this();
    while (true) {
        const Frame frame = co_await connection_->read_frame();
        if (frame.empty()) {
            break;
        }
        wire::RpcResponse answer;
        if (frame.raw_type() != static_cast<std::uint8_t>(FrameType::rpc) ||
            !frame.parse_body(answer)) {
            connection_->close("the server sent a frame that is not an RPC RESPONSE");
            break;
        }
        const auto found = in_flight_.find(answer.call_id());
        if (found == in_flight_.end()) {
            if (answer.call_id() == 0 && answer.code() != 0) {
                // About the connection itself (a corrupt stream, say): it ends here.
                connection_->close("the server refused the connection: " + answer.msg());
                break;
            }
            continue;  // a call given up on meanwhile
        }
        const std::shared_ptr<OutgoingCall> call = found->second;
        in_flight_.erase(found);
        call->answer = std::move(answer);
        call->outcome = OutgoingCall::Outcome::answered;
        call->wake.cancel();
    }
    state_ = State::dead;
    lose_all(connection_->error_text().empty() ? "connection closed" : connection_->error_text());
}

void RpcLink::lose_all(const std::string& reason) {
    auto lost = std::move(in_flight_);
    in_flight_.clear();
    for (auto& [id, call] : lost) {
        call->outcome = OutgoingCall::Outcome::lost;
        call->lost_reason = reason;
        call->wake.cancel();
    }
}

}  // namespace parley::client::rpc
