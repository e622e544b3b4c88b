#include "dispatch/dispatcher.hpp"

#include <boost/asio/awaitable.hpp>
#include <spdlog/spdlog.h>

#include "dispatch/builtin_interceptors.hpp"

namespace parley::dispatch {

Dispatcher::Dispatcher() {
    interceptors_.push_back(std::make_shared<AuthenticationInterceptor>());
    interceptors_.push_back(std::make_shared<SenderCheckInterceptor>());
}

void Dispatcher::add_interceptor(std::shared_ptr<Interceptor> interceptor) {
    interceptors_.push_back(std::move(interceptor));
}

asio::awaitable<void> Dispatcher::dispatch(RequestContext& ctx, Frame frame) const {
    Session& session = *ctx.session;
    std::string_view stage = "an interceptor";  // who failed, for the log
    // Exceptions are caught here and only here, from interceptors and handlers alike; the
    // session and the node live on.
    try {
        if (auto refusal = co_await run(ctx, frame, stage)) {
            session.send_error(*refusal, ctx.ref_id);
        }
        co_return;
    } catch (const Error& e) {
        spdlog::debug("user {} frame type {}: {} {}", session.user(), frame.raw_type(),
                      static_cast<unsigned>(e.code()), e.what());
        session.send_error(e, ctx.ref_id);
        co_return;
    } catch (const std::exception& e) {
        spdlog::error("{} failed on a frame of type {} from user {} ({}): {}", stage,
                      frame.raw_type(), session.user(), session.remote_address(), e.what());
    } catch (...) {
        spdlog::error("{} threw a non-standard exception on a frame of type {} from user {}", stage,
                      frame.raw_type(), session.user());
    }
    session.send_error(Error(ErrorCode::internal, "internal error while handling the request"),
                       ctx.ref_id);
}

asio::awaitable<std::optional<Error>> Dispatcher::run(RequestContext& ctx, Frame& frame,
                                                      std::string_view& stage) const {
    Session& session = *ctx.session;
    for (const auto& interceptor : interceptors_) {
        if (auto refusal = interceptor->inspect(session, frame)) {
            co_return refusal;
        }
    }
    // From here on the sender is the authenticated user, whatever the client wrote.
    if (session.user() != kNoUser) {
        frame.set_sender(session.user());
    }
    Handler* handler = handlers_.find(frame.raw_type());
    if (handler == nullptr) {
        co_return std::make_optional<Error>(
            ErrorCode::unknown_type,
            "no handler for frame type " + std::to_string(frame.raw_type()));
    }
    stage = handlers_.owner(frame.raw_type());
    co_await handler->handle(ctx, frame);
    co_return std::nullopt;
}

}  // namespace parley::dispatch
