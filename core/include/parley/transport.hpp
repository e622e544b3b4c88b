#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/config.hpp>

#include <parley/asio.hpp>
#include <parley/frame.hpp>
#include <parley/types.hpp>

namespace parley {

/// What travels on a node route. Its kind says who handles it on the receiving node: the
/// core's kinds below, or an EnvelopeHandler a plugin registered for its own kind. Transports
/// carry every kind unchanged.
struct Envelope {
    enum class Kind : std::uint8_t {
        deliver = 1,  ///< hand `frame` to `recipient`'s session
        kick = 2,     ///< close `recipient`'s session if its epoch is `session_epoch`
        /// hand `frame` to the members of group `recipient` logged in on the node the envelope
        /// was sent to; `session_epoch` is that node's node_tag(), so a node consuming another
        /// node's route hands out only its own (plugin API 7)
        group = 4,
        // 3 to 0x7f are reserved for the core (transports may use 3 for their group records);
        // 0x80 to 0xff are for plugins (EnvelopeHandler).
    };
    static constexpr std::uint8_t kFirstPluginKind = 0x80;

    Kind kind = Kind::deliver;
    UserId recipient = kNoUser;
    std::uint64_t session_epoch = 0;
    Frame frame;  ///< empty for kick
    /// Times this message was forwarded after reaching a node its recipient was not on; bounded
    /// by the receiving node, so nothing bounces between nodes for long.
    std::uint8_t hops = 0;
    /// The client message id the sender knows this message by; when it cannot be delivered,
    /// the sender's ERROR 1005 carries it. 0 when the sender is told nothing.
    std::uint64_t ref_id = 0;
};

/// A node id as 64 bits (FNV-1a), for envelopes that name the node they were sent to.
inline std::uint64_t node_tag(std::string_view node_id) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : node_id) {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    }
    return hash;
}

/// Handles envelopes of one plugin-defined kind (0x80-0xff) on the receiving node. Registered
/// by any plugin with `host.add(handler, kind)`. Called from the transport's thread: post to a
/// loop before doing real work.
class BOOST_SYMBOL_VISIBLE EnvelopeHandler {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "envelope handler";
    using PluginInterface = EnvelopeHandler;

    virtual ~EnvelopeHandler();
    virtual void on_envelope(Envelope envelope) = 0;
};

/// Receives what a Transport consumes. Calls may come from any thread; the core posts them on.
class BOOST_SYMBOL_VISIBLE TransportListener {
  public:
    virtual ~TransportListener();
    virtual void on_node_message(Envelope envelope) = 0;
    virtual void on_group_message(GroupId group, Frame frame) = 0;
};

/// Moves messages between nodes: a route per node (private messages, kicks) and a route per
/// group that every node consumes. Thread safe.
class BOOST_SYMBOL_VISIBLE Transport {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "transport";
    using PluginInterface = Transport;

    virtual ~Transport();

    /// Starts consuming `node_id`'s route and the group routes into `listener`, which outlives
    /// the transport's use of it (until stop()). Called once, before serving.
    virtual void start(const std::string& node_id, TransportListener& listener) = 0;
    /// Completes once the transport has accepted the message; throws Error(backend_unavailable)
    /// when it could not.
    virtual asio::awaitable<void> publish_to_node(std::string node_id, Envelope envelope) = 0;
    virtual asio::awaitable<void> publish_to_group(GroupId group, Frame frame) = 0;
    /// Also consumes the route of `node_id`, a node that has left the cluster, into the listener,
    /// so what was sent to it and not yet handed over is re-routed rather than lost. Every live
    /// node adopts; the transport makes sure each message is consumed by one of them. A
    /// transport whose routes die with their node does nothing (the default).
    virtual void adopt_route(const std::string& node_id);
    /// Stops consuming a route adopted earlier: its node is back.
    virtual void release_route(const std::string& node_id);
    /// Stops consuming; no listener call starts after it returns.
    virtual void stop() = 0;
    /// Whether the backend can serve now, for the node's /readyz (docs/admin-http.md):
    /// completes when it can, throws Error(backend_unavailable) saying why not. Answers within
    /// the backend's own call time-out; may be called at any time from any thread. The default
    /// (for backends with nothing to reach) completes at once. Plugin API 5.
    virtual asio::awaitable<void> check_ready();
    /// True when publish_to_node() has queued the envelope before it first gives the caller's
    /// executor back (synchronously, as far as the first asynchronous operation it awaits
    /// starts), behind every earlier publish of this node to the same recipient, and the envelopes
    /// of a recipient that reach its node arrive in the order they were queued (one that fails may
    /// be missing; none overtakes another). The router then lets a sender's next chat message
    /// start while this one waits for its acknowledgement (Router::send_to_user_pipelined).
    /// The default says false: each publish is awaited before the sender's next message starts.
    /// Plugin API 8.
    virtual bool publishes_in_order() const;
};

}  // namespace parley
