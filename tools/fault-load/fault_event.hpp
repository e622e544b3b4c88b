#pragma once
// One line of a parley-fault-load event log, the file parley-fault-check reads. Each line is
// "<ms since the epoch> <kind> <fields...>", space separated; free text comes last:
//
//   phase NAME                         warmup | traffic | drain | end
//   member USER GROUP                  a join was acknowledged
//   connect USER NODE                  logged in on NODE
//   disconnect USER WAS_CONNECTED REASON...
//   refused USER CODE REASON...        a login was refused; the user starts a new client
//   sent USER ID p|g PEER              a private message to user PEER or to group PEER
//   ack USER ID SERVER_MSG_ID
//   error USER ID CODE server|local MESSAGE...
//   recv USER p|g PEER FROM ID SERVER_MSG_ID SEQ BODY_FROM BODY_ID
//                                      handed to the application; PEER is FROM or the group

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::tools {

enum class EventKind { phase, member, connect, disconnect, refused, sent, ack, error, recv };

struct FaultEvent {
    std::int64_t ms = 0;
    EventKind kind = EventKind::phase;
    std::uint32_t user = 0;
    std::uint64_t id = 0;    ///< client_msg_id: sent, ack, error, recv
    bool group = false;      ///< sent, recv: a group conversation
    std::uint32_t peer = 0;  ///< sent, recv: the other user or the group; member: the group
    std::uint32_t from = 0;  ///< recv: the author
    std::uint64_t server_msg_id = 0;
    std::uint64_t seq = 0;   ///< recv: 0 on a node without a message log
    std::uint32_t code = 0;  ///< error, refused
    bool local = false;      ///< error: the client's own ("not sent", "no answer")
    bool was_connected = false;
    std::uint32_t body_from = 0;  ///< recv: who the body says wrote it
    std::uint64_t body_id = 0;    ///< recv: the id the body names
    std::string text;             ///< phase name, node id, reason or message
};

/// The line for `event`, without a newline.
std::string format_event(const FaultEvent& event);
/// The event a line holds; nullopt for a line that is not one (blank, truncated).
std::optional<FaultEvent> parse_event(std::string_view line);

}  // namespace parley::tools
