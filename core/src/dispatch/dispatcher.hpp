#pragma once

#include <memory>
#include <string>
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
    /// Appends a configured interceptor after the built-in ones.
    void add_interceptor(std::shared_ptr<Interceptor> interceptor);

    /// Runs `frame` through the chain and its handler. Never throws: every failure is answered
    /// to the session as an ERROR frame.
    asio::awaitable<void> dispatch(RequestContext& ctx, Frame frame) const;

  private:
    HandlerRegistry handlers_;
    std::vector<std::shared_ptr<Interceptor>> interceptors_;
};

}  // namespace parley::dispatch
