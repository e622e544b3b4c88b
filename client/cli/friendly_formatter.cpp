#include "friendly_formatter.hpp"

#include <cstdio>

#include "terminal_text.hpp"

namespace parley::cli {
namespace {

std::string describe(ErrorCode code) {
    return std::to_string(static_cast<std::uint32_t>(code)) + " " + std::string(to_string(code));
}

/// "<2>" for the chat with user 2, "[#7]" for group 7.
std::string name_of(const client::ConversationId& conversation) {
    return conversation.kind == client::ChatKind::group_message
               ? "[#" + std::to_string(conversation.peer) + "]"
               : "<" + std::to_string(conversation.peer) + ">";
}

}  // namespace

std::string FriendlyFormatter::connected(const client::ConnectedInfo& info) const {
    return "* connected to node " + info.node_id + " at " + info.endpoint + " as user " +
           std::to_string(info.user);
}

std::string FriendlyFormatter::disconnected(const client::DisconnectedInfo& info) const {
    std::string out;
    if (info.was_connected) {
        out = "* disconnected: " + info.reason;
    } else if (info.stopped_by_caller) {
        return {};  // the person asked for it; nothing to report
    } else if (info.endpoint.empty() || info.reason.find(info.endpoint) != std::string::npos) {
        out = "* " + info.reason;
    } else {
        out = "* " + info.endpoint + ": " + info.reason;
    }
    if (info.will_reconnect) {
        return out + " (retrying in " + std::to_string(info.retry_in.count()) + " ms)";
    }
    if (info.login_refused) {
        return out + "\n* not retrying: check --user and --token; /quit to leave";
    }
    return info.stopped_by_caller ? out : out + "\n* stopped for good; /quit to leave";
}

std::string FriendlyFormatter::message(const client::ChatEvent& event) const {
    const std::string from = "<" + std::to_string(event.from) + "> ";
    if (event.kind == client::ChatKind::group_message) {
        return "[#" + std::to_string(event.to) + "] " + from + terminal_safe(event.content);
    }
    return from + terminal_safe(event.content);
}

std::string FriendlyFormatter::ack(std::uint64_t client_msg_id, std::uint64_t) const {
    return "  ok #" + std::to_string(client_msg_id);
}

std::string FriendlyFormatter::error(const client::ServerError& error) const {
    std::string out = "! " + describe(error.code);
    if (error.ref_id != 0) {
        out += " (#" + std::to_string(error.ref_id) + ")";
    }
    out += ": " + terminal_safe(error.message);
    if (!error.data.empty()) {
        out += " [" + terminal_safe(error.data) + "]";
    }
    return out;
}

std::string FriendlyFormatter::users(const client::UserPage& page) const {
    std::string out = "* " + std::to_string(page.total) + " online:";
    for (std::size_t i = 0; i < page.users.size(); ++i) {
        out += (i == 0 ? " " : ", ") + std::to_string(page.users[i]);
    }
    if (page.next_cursor != 0) {
        out += " (more: /users " + std::to_string(page.next_cursor) + ")";
    }
    return out;
}

std::string FriendlyFormatter::goodbye(ErrorCode code, const std::string& message) const {
    return "* the server says goodbye: " + describe(code) +
           (message.empty() ? "" : ": " + terminal_safe(message));
}

std::string FriendlyFormatter::frame(const Frame& frame) const {
    char type[5];
    std::snprintf(type, sizeof type, "0x%02x", frame.raw_type());
    return std::string("* frame ") + type + " from " + std::to_string(frame.sender()) + " to " +
           std::to_string(frame.receiver()) + ", " + std::to_string(frame.body().size()) +
           " bytes: " + to_hex(frame.body());
}

std::string FriendlyFormatter::sync(const client::SyncReport& report) const {
    std::string unread;
    std::string lost;
    for (const client::StreamReport& stream : report.streams) {
        if (stream.unread > 0) {
            unread += (unread.empty() ? "" : ", ") + name_of(stream.conversation) + " " +
                      std::to_string(stream.unread);
        }
        if (stream.lost) {
            lost += (lost.empty() ? "" : ", ") + name_of(stream.conversation);
        }
    }
    std::string out = unread.empty() ? "" : "* unread: " + unread;
    if (!lost.empty()) {
        out += (out.empty() ? "" : "\n") +
               std::string("* the server no longer keeps some messages of: ") + lost;
    }
    return out;
}

std::string FriendlyFormatter::history(const client::HistoryPage& page) const {
    std::string out = "* history of " + name_of(page.conversation) + ": " +
                      (page.messages.empty() ? "no messages"
                                             : std::to_string(page.messages.size()) + " messages");
    for (const client::ChatEvent& event : page.messages) {
        out += "\n  " + message(event);
    }
    return out;
}

}  // namespace parley::cli
