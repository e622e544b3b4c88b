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
    for (const auto& interceptor : interceptors_) {
        if (auto refusal = interceptor->inspect(session, frame)) {
            session.send_error(*refusal, 0);
            co_return;
        }
    }
    // From here on the sender is the authenticated user, whatever the client wrote.
    if (session.user() != kNoUser) {
        frame.set_sender(session.user());
    }

    Handler* handler = handlers_.find(frame.raw_type());
    if (handler == nullptr) {
        session.send_error(Error(ErrorCode::unknown_type,
                                 "no handler for frame type " + std::to_string(frame.raw_type())),
                           0);
        co_return;
    }

    // Exceptions are caught here and only here; the session and the node live on.
    try {
        co_await handler->handle(ctx, frame);
        co_return;
    } catch (const Error& e) {
        spdlog::debug("user {} frame type {}: {} {}", session.user(), frame.raw_type(),
                      static_cast<unsigned>(e.code()), e.what());
        session.send_error(e, ctx.ref_id);
        co_return;
    } catch (const std::exception& e) {
        spdlog::error("handler {} failed on a frame from user {} ({}): {}",
                      handlers_.owner(frame.raw_type()), session.user(), session.remote_address(),
                      e.what());
    } catch (...) {
        spdlog::error("handler {} threw a non-standard exception on a frame from user {}",
                      handlers_.owner(frame.raw_type()), session.user());
    }
    session.send_error(Error(ErrorCode::internal, "internal error while handling the request"),
                       ctx.ref_id);
}

}  // namespace parley::dispatch
