#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/node.hpp>
#include <parley/session.hpp>

namespace parley {

/// One request on its way through interceptors and a handler.
struct RequestContext {
    SessionPtr session;
    Node& node;
    /// The client message id the request carries, once a handler has parsed it. Errors the
    /// core sends for this request (a handler's exception) carry it so the client can match them.
    std::uint64_t ref_id = 0;
};

/// Handles one or more frame types; registered by a handler plugin. Runs on the session's loop.
/// Frames of one session are handled one at a time, in order.
///
/// Throw parley::Error to answer with that code; any other exception becomes internal (9000).
/// Either way the session lives on and the error is logged once.
class BOOST_SYMBOL_VISIBLE Handler {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "handler";
    using PluginInterface = Handler;

    virtual ~Handler();
    virtual asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) = 0;
};

/// Runs before the handler for every frame, in the order configured. Returns an Error to refuse
/// the frame (the client gets it as an ERROR frame), or nothing to let it pass.
class BOOST_SYMBOL_VISIBLE Interceptor {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "interceptor";
    using PluginInterface = Interceptor;

    virtual ~Interceptor();
    virtual std::optional<Error> inspect(const Session& session, const Frame& frame) = 0;
};

}  // namespace parley
