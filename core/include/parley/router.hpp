#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/error.hpp>
#include <parley/frame.hpp>
#include <parley/store.hpp>
#include <parley/transport.hpp>
#include <parley/types.hpp>

namespace parley {

class Session;
struct RequestContext;

enum class Delivery {
    local,    ///< queued on a session of this node
    remote,   ///< accepted by the transport for the node that holds the recipient
    offline,  ///< nobody to deliver to
};

/// Delivery across the node and the cluster: local sessions first, then the Store's record and
/// the Transport. Call from a session's loop.
class BOOST_SYMBOL_VISIBLE Router {
  public:
    virtual ~Router();

    /// `frame` must already carry the authenticated sender. `ref_id` is the client message id
    /// the sender knows it by: if the message is accepted for another node and cannot be handed
    /// over there, the sender gets ERROR 1005 carrying it (0: tell the sender nothing).
    virtual asio::awaitable<Delivery> send_to_user(UserId recipient, Frame frame,
                                                   std::uint64_t ref_id) = 0;
    /// send_to_user() for a pipelined request (Handler::pipelines; plugin API 8): calls
    /// ctx.let_next_start() as soon as the message is on its way in order (handed to a session
    /// here, or queued on a transport that publishes in order) or known to be offline, so the
    /// sender's next message starts while this one waits for the transport's acknowledgement.
    /// Completes as send_to_user() does. The default lets nothing start early.
    virtual asio::awaitable<Delivery> send_to_user_pipelined(UserId recipient, Frame frame,
                                                             std::uint64_t ref_id,
                                                             const RequestContext& ctx);
    /// Whether send_to_user_pipelined() lets the next message start before the transport's
    /// acknowledgement: a handler without a message log pipelines chat messages only then. The
    /// core's router says true when its transport publishes in order and another node is in
    /// the registry.
    virtual bool sends_in_order() const;
    /// Publishes on the group route; every node hands it to its online members except the sender.
    virtual asio::awaitable<void> send_to_group(GroupId group, Frame frame) = 0;
    /// Closes the session `record` names with session_replaced, on whichever node it lives.
    virtual asio::awaitable<void> kick(SessionRecord record) = 0;
    /// Sends `envelope` to node `node_id` through the Transport, for a plugin's own envelope
    /// kinds (an EnvelopeHandler on that node receives it). Throws Error(backend_unavailable).
    virtual asio::awaitable<void> send_to_node(std::string node_id, Envelope envelope) = 0;
    /// Asked before a group message from `sender` to `group` is stored or acknowledged: the
    /// error to refuse it with while this node's group fan-out is too far behind (RATE_LIMITED,
    /// `data` "retry_after_ms=<n>"; the refusal is logged), or nothing when it may be accepted.
    /// Refusing up front keeps the promise that an acknowledged message is delivered. Cheap: no
    /// backend is asked. The default refuses nothing.
    virtual std::optional<Error> refuse_group_message(GroupId group, const Session& sender);
};

}  // namespace parley
