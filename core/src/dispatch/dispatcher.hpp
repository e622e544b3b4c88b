#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
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
    /// The chain itself. Returns a refusal (interceptor, unknown type); a handler's failure is
    /// thrown. `stage` names the plugin running when something threw.
    asio::awaitable<std::optional<Error>> run(RequestContext& ctx, Frame& frame,
                                              std::string_view& stage) const;

    HandlerRegistry handlers_;
    std::vector<std::shared_ptr<Interceptor>> interceptors_;
};

}  // namespace parley::dispatch
