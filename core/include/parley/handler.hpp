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

/// The place of a pipelined request among the session's requests (Handler::pipelines). The core
/// implements it; a handler uses it through RequestContext. Call on the session's loop only.
class BOOST_SYMBOL_VISIBLE RequestOrder {
  public:
    virtual ~RequestOrder();
    /// The session's next frame may start now, beside this request. Call right before handing
    /// the request's append to a message log that keeps the order of appends
    /// (MessageLog::keeps_append_order), with nothing that can suspend in between: the next
    /// request starts once this one has suspended, so its append queues behind this one.
    /// Router::send_to_user_pipelined calls it the same way before a publish.
    virtual void let_next_start() = 0;
    /// Resumes once every earlier request of the session has finished (answered, and its pushes
    /// made). Await it before answering or pushing anything, so that answers keep the order of
    /// the requests.
    virtual asio::awaitable<void> wait_turn() = 0;
};

/// One request on its way through interceptors and a handler.
struct RequestContext {
    SessionPtr session;
    Node& node;
    /// The client message id the request carries, once a handler has parsed it. Errors the
    /// core sends for this request (a handler's exception) carry it so the client can match them.
    std::uint64_t ref_id = 0;
    /// Set by the core while the request is pipelined (Handler::pipelines said so); null when it
    /// runs alone, and then the two calls below do nothing.
    RequestOrder* order = nullptr;

    /// RequestOrder::let_next_start(), when pipelined.
    void let_next_start() const {
        if (order != nullptr) {
            order->let_next_start();
        }
    }
    /// RequestOrder::wait_turn(), when pipelined; at once otherwise.
    asio::awaitable<void> wait_turn() const;
};

/// Handles one or more frame types; registered by a handler plugin. Runs on the session's loop.
/// Frames of one session are handled one at a time, in order, except those the handler says
/// may be pipelined (pipelines()).
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

    /// True when `frame` may start while earlier pipelined requests of its session still wait
    /// (the default: false, every frame waits for all before it and holds up all after it).
    /// Asked on the session's loop before the interceptors run, so it must not depend on the
    /// sender. A handler that says true for a frame changes nothing a client could see: it calls
    /// ctx.let_next_start() right before the one append (or publish, through
    /// Router::send_to_user_pipelined) that may overlap with others and
    /// co_awaits ctx.wait_turn() before it answers, pushes or changes anything else. The core
    /// answers the request's refusals and exceptions in its turn too.
    virtual bool pipelines(const Frame& frame, Node& node) const;
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
