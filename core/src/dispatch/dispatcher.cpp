#include "dispatch/dispatcher.hpp"

#include <string>

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

Handler* Dispatcher::admit(RequestContext& ctx, Frame& frame) const {
    const Admission admission = inspect(ctx, frame);
    if (admission.handler == nullptr) {
        answer_refusal(ctx, frame, admission);
    }
    return admission.handler;
}

Dispatcher::Admission Dispatcher::inspect(RequestContext& ctx, Frame& frame) const {
    Admission admission;
    Session& session = *ctx.session;
    try {
        for (const auto& interceptor : interceptors_) {
            if ((admission.refusal = interceptor->inspect(session, frame))) {
                return admission;
            }
        }
    } catch (...) {
        admission.failure = std::current_exception();
        return admission;
    }
    // From here on the sender is the authenticated user, whatever the client wrote: stamped in
    // place, the body untouched.
    if (session.user() != kNoUser) {
        frame.set_sender(session.user());
    }
    admission.handler = handlers_.find(frame.raw_type());
    if (admission.handler == nullptr) {
        admission.refusal.emplace(ErrorCode::unknown_type,
                                  "no handler for frame type " + std::to_string(frame.raw_type()));
    }
    return admission;
}

void Dispatcher::answer_refusal(RequestContext& ctx, const Frame& frame,
                                const Admission& admission) const {
    if (admission.refusal) {
        ctx.session->send_error(*admission.refusal, ctx.ref_id);
    } else if (admission.failure) {
        static const std::string stage = "an interceptor";
        answer(ctx, frame, admission.failure, stage);
    }
}

void Dispatcher::answer_failure(RequestContext& ctx, const Frame& frame,
                                const std::exception_ptr& failure) const {
    answer(ctx, frame, failure, handlers_.owner(frame.raw_type()));
}

void Dispatcher::answer(RequestContext& ctx, const Frame& frame, const std::exception_ptr& failure,
                        const std::string& stage) const {
    // The session and the node live on, whatever was thrown.
    Session& session = *ctx.session;
    try {
        std::rethrow_exception(failure);
    } catch (const Error& e) {
        spdlog::debug("user {} frame type {}: {} {}", session.user(), frame.raw_type(),
                      static_cast<unsigned>(e.code()), e.what());
        session.send_error(e, ctx.ref_id);
        return;
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

}  // namespace parley::dispatch
