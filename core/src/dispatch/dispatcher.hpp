#pragma once

#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include <parley/handler.hpp>

#include "dispatch/handler_registry.hpp"

namespace parley::dispatch {

/// The request path after decoding: interceptors, sender stamping, handler lookup, and the one
/// place where exceptions become ERROR frames. Shared by every loop; immutable once serving.
class Dispatcher {
  public:
    Dispatcher();

    HandlerRegistry& handlers() noexcept { return handlers_; }
    /// True when the handler of `frame`'s type lets it be pipelined (Handler::pipelines).
    bool pipelines(const Frame& frame, Node& node) const {
        const Handler* handler = handlers_.find(frame.raw_type());
        return handler != nullptr && handler->pipelines(frame, node);
    }
    /// Appends a configured interceptor after the built-in ones.
    void add_interceptor(std::shared_ptr<Interceptor> interceptor);

    // A request in two halves, around the handler that the caller runs in its own coroutine
    // (net::RequestRunner, so that a request costs no coroutine frame besides the handler's):
    /// Everything before the handler, done at once: the interceptors, the sender stamp and the
    /// lookup. Returns the handler to run, or nullptr after answering the refusal (or an
    /// interceptor's failure) itself.
    Handler* admit(RequestContext& ctx, Frame& frame) const;

    /// What admit() decided, before anything is answered.
    struct Admission {
        Handler* handler = nullptr;    ///< set when the frame goes to its handler
        std::optional<Error> refusal;  ///< an interceptor's refusal, or no handler for the type
        std::exception_ptr failure;    ///< what an interceptor threw
    };
    /// admit() for a request whose answers wait their turn (a pipelined one): decides and
    /// stamps, but answers nothing; a refused frame is answered with answer_refusal() later.
    Admission inspect(RequestContext& ctx, Frame& frame) const;
    void answer_refusal(RequestContext& ctx, const Frame& frame, const Admission& admission) const;
    /// Answers what the handler for `frame` threw: a parley::Error with its code, anything else
    /// as internal, logged once with the handler's plugin name.
    void answer_failure(RequestContext& ctx, const Frame& frame,
                        const std::exception_ptr& failure) const;

  private:
    void answer(RequestContext& ctx, const Frame& frame, const std::exception_ptr& failure,
                const std::string& stage) const;

    HandlerRegistry handlers_;
    std::vector<std::shared_ptr<Interceptor>> interceptors_;
};

}  // namespace parley::dispatch
