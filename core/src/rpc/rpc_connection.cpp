#include "rpc/rpc_connection.hpp"

#include <algorithm>

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "parley.pb.h"
#include "rpc/call_completion.hpp"
#include "rpc/rpc_metrics.hpp"

namespace parley::rpc {
namespace asio = boost::asio;

namespace {

/// How many bytes one read takes at most.
constexpr std::size_t kReadChunk = 16 * 1024;
/// Answers gathered into one write.
constexpr std::size_t kMaxFramesPerWrite = 64;
/// Room an RpcResponse needs around its payload (call id, code, tags and lengths).
constexpr std::size_t kAnswerOverhead = 64;

bool same_token(const std::string& given, const std::string& expected) {
    return given.size() == expected.size() &&
           CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

}  // namespace

struct RpcConnection::Call {
    Call(std::uint64_t call_id, const asio::io_context::executor_type& executor)
        : id(call_id), deadline(executor) {}

    std::uint64_t id;
    const google::protobuf::MethodDescriptor* method = nullptr;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    RpcCall controller;
    std::unique_ptr<google::protobuf::Message> request;
    std::unique_ptr<google::protobuf::Message> response;
    Timer deadline;
    bool answered = false;  ///< or cancelled: nothing more is sent for it
};

RpcConnection::RpcConnection(net::LoopSocket socket, const ServiceTable& table,
                             const ConnectionRules& rules, std::function<void()> on_closed)
    : socket_(std::move(socket)),
      table_(table),
      rules_(rules),
      on_closed_(std::move(on_closed)),
      decoder_(rules.max_frame_size),
      read_buffer_(kReadChunk),
      slot_freed_(socket_.get_executor()) {}

RpcConnection::~RpcConnection() {
    close();
}

void RpcConnection::start() {
    asio::co_spawn(socket_.get_executor(), read_loop(), asio::detached);
}

void RpcConnection::close() {
    if (closed_) {
        return;
    }
    closed_ = true;
    // Counted out now, not when the last running call lets go of this object.
    if (auto on_closed = std::exchange(on_closed_, nullptr)) {
        on_closed();
    }
    boost::system::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    slot_freed_.cancel();
    // The methods still running learn they are cancelled; what they answer is dropped.
    auto calls = std::move(calls_);
    for (auto& [id, call] : calls) {
        call->answered = true;
        call->deadline.cancel();
        call->controller.cancel();
    }
    outbox_.clear();
}

asio::awaitable<void> RpcConnection::read_loop() {
    auto self = shared_from_this();
    while (!closed_) {
        boost::system::error_code ec;
        const std::size_t read = co_await socket_.async_read_some(
            asio::buffer(read_buffer_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            break;
        }
        std::span<const std::uint8_t> input(read_buffer_.data(), read);
        while (!input.empty() && !closed_ && !close_after_flush_) {
            // Every request holds a slot: with none free, the rest of what was read waits.
            while (slots_used_ >= rules_.max_calls && !closed_) {
                slot_freed_.expires_at(Timer::time_point::max());
                boost::system::error_code ignored;
                co_await slot_freed_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            }
            if (closed_) {
                break;
            }
            input = input.subspan(decoder_.consume(input));
            if (decoder_.failed()) {
                // The byte boundaries are lost: say why, then hang up.
                answer_error(0, decoder_.failure());
                close_after_flush_ = true;
                flush();
                co_return;
            }
            if (decoder_.frame_ready()) {
                on_frame(decoder_.take_frame());
                if (close_after_flush_) {
                    flush();
                    co_return;
                }
            }
        }
    }
    close();
}

void RpcConnection::on_frame(const Frame& frame) {
    switch (frame.raw_type()) {
        case static_cast<std::uint8_t>(FrameType::rpc):
            on_request(frame);
            return;
        case static_cast<std::uint8_t>(FrameType::rpc_cancel):
            on_cancel(frame);
            return;
        default:
            answer_error(0, Error(ErrorCode::unknown_type,
                                  "an RPC listener takes RPC REQUEST (0x0E) and RPC CANCEL (0x0F) "
                                  "frames only"));
    }
}

void RpcConnection::on_request(const Frame& frame) {
    wire::RpcRequest request;
    if (!frame.parse_body(request)) {
        answer_error(0, Error(ErrorCode::bad_body, "the body is not an RpcRequest"));
        return;
    }
    const std::uint64_t id = request.call_id();
    if (!rules_.token.empty() && !same_token(request.token(), rules_.token)) {
        answer_error(id, Error(ErrorCode::login_failed,
                               "this RPC listener requires its token (rpc.token) in every call"));
        return;
    }
    if (id == 0 || calls_.contains(id)) {
        // Answering with this id would answer the running call too (or look like an answer
        // about the connection): the caller's bookkeeping is broken, so the connection ends.
        answer_error(0, Error(ErrorCode::bad_body,
                              id == 0 ? "call_id 0 is reserved for answers about the connection"
                                      : "call_id " + std::to_string(id) + " is already in flight"));
        close_after_flush_ = true;
        return;
    }
    MethodTarget target;
    try {
        target = table_.find(request.method());
    } catch (const Error& error) {
        RpcMetrics::get().ended(nullptr, error.code());
        answer_error(id, error);
        return;
    }
    auto call = std::make_shared<Call>(id, socket_.get_executor());
    call->method = target.method;
    google::protobuf::Service& service = *target.service;
    call->request.reset(service.GetRequestPrototype(target.method).New());
    call->response.reset(service.GetResponsePrototype(target.method).New());
    if (!call->request->ParseFromString(request.payload())) {
        RpcMetrics::get().ended(target.method, ErrorCode::bad_body);
        answer_error(id, Error(ErrorCode::bad_body,
                               "the payload is not a " + target.method->input_type()->full_name()));
        return;
    }
    std::chrono::milliseconds timeout{request.timeout_ms()};
    if (timeout.count() == 0) {
        timeout = rules_.default_timeout;
    }
    timeout = std::min(timeout, rules_.max_timeout);
    call->controller.set_deadline(RpcCall::Clock::now() + timeout);
    ++slots_used_;
    run(call, target);
}

void RpcConnection::run(const std::shared_ptr<Call>& call, const MethodTarget& target) {
    auto completion =
        CallCompletion::start(target, call->controller, *call->request, *call->response);
    if (completion->ran()) {
        finish(call);
        return;
    }
    // Still running elsewhere: answer when it is done, or when its time is up.
    calls_.emplace(call->id, call);
    call->deadline.expires_at(*call->controller.deadline());
    call->deadline.async_wait([weak = weak_from_this(), call](boost::system::error_code ec) {
        if (auto self = weak.lock(); self && !ec) {
            self->expire(call);
        }
    });
    asio::co_spawn(socket_.get_executor(), finish_later(call, std::move(completion)),
                   asio::detached);
}

asio::awaitable<void> RpcConnection::finish_later(std::shared_ptr<Call> call,
                                                  std::shared_ptr<CallCompletion> completion) {
    auto self = shared_from_this();
    co_await completion->wait();
    finish(call);
}

void RpcConnection::expire(const std::shared_ptr<Call>& call) {
    if (call->answered) {
        return;
    }
    calls_.erase(call->id);
    call->controller.cancel();
    call->answered = true;
    RpcMetrics::get().ran(call->method, std::chrono::steady_clock::now() - call->started);
    RpcMetrics::get().ended(call->method, ErrorCode::deadline_exceeded);
    answer_error(call->id, Error(ErrorCode::deadline_exceeded,
                                 "the call did not finish within its time-out"));
    --slots_used_;  // answer_error took a slot of its own
}

void RpcConnection::finish(const std::shared_ptr<Call>& call) {
    if (call->answered) {
        return;
    }
    call->answered = true;
    call->deadline.cancel();
    calls_.erase(call->id);
    wire::RpcResponse response;
    response.set_call_id(call->id);
    if (call->controller.Failed()) {
        response.set_code(static_cast<std::uint32_t>(call->controller.code()));
        response.set_msg(call->controller.ErrorText());
        response.set_data(call->controller.error_data());
    } else if (!call->response->SerializeToString(response.mutable_payload())) {
        response.set_code(static_cast<std::uint32_t>(ErrorCode::internal));
        response.set_msg("the method's answer could not be serialized");
    } else if (response.payload().size() > rules_.max_frame_size - kAnswerOverhead) {
        const std::size_t size = response.payload().size();
        response.clear_payload();
        response.set_code(static_cast<std::uint32_t>(ErrorCode::frame_too_large));
        response.set_msg("the method's answer (" + std::to_string(size) +
                         " bytes) is larger than rpc.max_frame_size allows");
    }
    RpcMetrics::get().ran(call->method, std::chrono::steady_clock::now() - call->started);
    RpcMetrics::get().ended(call->method, static_cast<ErrorCode>(response.code()));
    --slots_used_;  // answer() takes it again until the bytes are out
    answer(response);
}

void RpcConnection::on_cancel(const Frame& frame) {
    wire::RpcCancel cancel;
    if (!frame.parse_body(cancel)) {
        answer_error(0, Error(ErrorCode::bad_body, "the body is not an RpcCancel"));
        return;
    }
    const auto found = calls_.find(cancel.call_id());
    if (found == calls_.end()) {
        return;  // finished already, or never known: nothing to stop
    }
    const std::shared_ptr<Call> call = found->second;
    calls_.erase(found);
    call->answered = true;
    call->deadline.cancel();
    call->controller.cancel();
    RpcMetrics::get().ended(call->method, ErrorCode::cancelled);
    release_slots(1);
}

void RpcConnection::answer(const wire::RpcResponse& response) {
    if (closed_) {
        return;
    }
    ++slots_used_;
    send(Frame::make(FrameType::rpc, kNoUser, kNoUser, response));
}

void RpcConnection::answer_error(std::uint64_t call_id, const Error& error) {
    wire::RpcResponse response;
    response.set_call_id(call_id);
    response.set_code(static_cast<std::uint32_t>(error.code()));
    response.set_msg(error.what());
    response.set_data(error.data());
    answer(response);
}

void RpcConnection::send(Frame frame) {
    outbox_.push_back(std::move(frame));
    flush();
}

void RpcConnection::flush() {
    if (closed_ || !writing_.empty() || outbox_.empty()) {
        return;
    }
    std::vector<asio::const_buffer> buffers;
    while (!outbox_.empty() && writing_.size() < kMaxFramesPerWrite) {
        writing_.push_back(std::move(outbox_.front()));
        outbox_.pop_front();
        const auto bytes = writing_.back().bytes();
        buffers.emplace_back(bytes.data(), bytes.size());
    }
    asio::async_write(socket_, buffers,
                      [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                          const std::size_t written = self->writing_.size();
                          self->writing_.clear();
                          if (ec) {
                              self->close();
                              return;
                          }
                          self->release_slots(written);
                          if (self->close_after_flush_ && self->outbox_.empty()) {
                              self->close();
                              return;
                          }
                          self->flush();
                      });
}

void RpcConnection::release_slots(std::size_t count) {
    slots_used_ -= std::min(count, slots_used_);
    slot_freed_.cancel();
}

}  // namespace parley::rpc
