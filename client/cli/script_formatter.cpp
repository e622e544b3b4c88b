#include "script_formatter.hpp"

#include <cstdio>

namespace parley::cli {
namespace {

std::string code_fields(ErrorCode code) {
    return "code=" + std::to_string(static_cast<std::uint32_t>(code)) +
           " name=" + std::string(to_string(code));
}

/// "2" for the chat with user 2, "#7" for group 7.
std::string name_of(const client::ConversationId& conversation) {
    return (conversation.kind == client::ChatKind::group_message ? "#" : "") +
           std::to_string(conversation.peer);
}

}  // namespace

std::string ScriptFormatter::escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (byte < 0x20 || byte == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", byte);
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}

std::string ScriptFormatter::connected(const client::ConnectedInfo& info) const {
    return "connected node=" + info.node_id + " endpoint=" + info.endpoint +
           " user=" + std::to_string(info.user);
}

std::string ScriptFormatter::disconnected(const client::DisconnectedInfo& info) const {
    std::string out;
    if (info.was_connected) {
        out = "disconnected reason=" + escape(info.reason) + "\n";
    } else if (!info.stopped_by_caller && (!info.endpoint.empty() || info.will_reconnect)) {
        out = "connect-failed endpoint=" + (info.endpoint.empty() ? "none" : info.endpoint) +
              " reason=" + escape(info.reason) + "\n";
    }
    if (info.will_reconnect) {
        out += "reconnecting delay_ms=" + std::to_string(info.retry_in.count());
    } else {
        out += std::string("stopped login_refused=") + (info.login_refused ? "yes" : "no") +
               " reason=" + escape(info.reason);
    }
    return out;
}

std::string ScriptFormatter::message(const client::ChatEvent& event) const {
    const bool group = event.kind == client::ChatKind::group_message;
    return std::string(group ? "group" : "msg") + " from=" + std::to_string(event.from) +
           (group ? " group=" : " to=") + std::to_string(event.to) +
           " id=" + std::to_string(event.client_msg_id) +
           (event.seq != 0 ? " seq=" + std::to_string(event.seq) : std::string{}) +
           " text=" + escape(event.content);
}

std::string ScriptFormatter::ack(std::uint64_t client_msg_id, std::uint64_t server_msg_id) const {
    return "ack id=" + std::to_string(client_msg_id) +
           " server_id=" + std::to_string(server_msg_id);
}

std::string ScriptFormatter::error(const client::ServerError& error) const {
    return "error " + code_fields(error.code) + " ref=" + std::to_string(error.ref_id) + " msg=" +
           escape(error.data.empty() ? error.message : error.message + " (" + error.data + ")");
}

std::string ScriptFormatter::users(const client::UserPage& page) const {
    std::string list;
    for (const UserId user : page.users) {
        list += (list.empty() ? "" : ",") + std::to_string(user);
    }
    return "users total=" + std::to_string(page.total) +
           " next=" + std::to_string(page.next_cursor) + " list=" + list +
           " id=" + std::to_string(page.client_msg_id);
}

std::string ScriptFormatter::goodbye(ErrorCode code, const std::string& message) const {
    return "goodbye " + code_fields(code) + " msg=" + escape(message);
}

std::string ScriptFormatter::frame(const Frame& frame) const {
    char type[5];
    std::snprintf(type, sizeof type, "0x%02x", frame.raw_type());
    return std::string("frame type=") + type + " from=" + std::to_string(frame.sender()) +
           " to=" + std::to_string(frame.receiver()) +
           " size=" + std::to_string(frame.body().size()) + " body=" + to_hex(frame.body());
}

std::string ScriptFormatter::sync(const client::SyncReport& report) const {
    std::string unread;
    std::string lost;
    for (const client::StreamReport& stream : report.streams) {
        if (stream.unread > 0) {
            unread += (unread.empty() ? "" : ",") + name_of(stream.conversation) + ":" +
                      std::to_string(stream.unread);
        }
        if (stream.lost) {
            lost += (lost.empty() ? "" : ",") + name_of(stream.conversation);
        }
    }
    return std::string("sync more=") + (report.more ? "yes" : "no") + " unread=" + unread +
           " lost=" + lost;
}

std::string ScriptFormatter::history(const client::HistoryPage& page) const {
    std::string out = "history id=" + std::to_string(page.client_msg_id) +
                      " of=" + name_of(page.conversation) +
                      " count=" + std::to_string(page.messages.size()) +
                      " first_seq=" + std::to_string(page.first_seq);
    for (const client::ChatEvent& event : page.messages) {
        out += "\nhistory-" + message(event);
    }
    return out;
}

}  // namespace parley::cli
