#include "fault_event.hpp"

#include <charconv>
#include <sstream>
#include <vector>

namespace parley::tools {
namespace {

constexpr std::string_view kNames[] = {"phase", "member", "connect", "disconnect", "refused",
                                       "sent",  "ack",    "error",   "recv"};

std::string_view name_of(EventKind kind) {
    return kNames[static_cast<int>(kind)];
}

std::optional<EventKind> kind_named(std::string_view name) {
    for (int i = 0; i < static_cast<int>(std::size(kNames)); ++i) {
        if (kNames[i] == name) {
            return static_cast<EventKind>(i);
        }
    }
    return std::nullopt;
}

/// Splits on spaces; the rest of the line after `fixed` words stays one piece.
std::vector<std::string_view> split(std::string_view line, std::size_t fixed) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < line.size() && out.size() < fixed) {
        const auto end = line.find(' ', pos);
        out.push_back(line.substr(pos, end == std::string_view::npos ? line.npos : end - pos));
        pos = end == std::string_view::npos ? line.size() : end + 1;
    }
    if (pos < line.size()) {
        out.push_back(line.substr(pos));
    }
    return out;
}

template <typename T>
bool number(std::string_view text, T& out) {
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc{} && ptr == end;
}

bool conversation(std::string_view text, bool& group) {
    if (text != "p" && text != "g") {
        return false;
    }
    group = text == "g";
    return true;
}

/// Fields after "<ms> <kind>", by kind; false when one is missing or malformed.
bool parse_fields(FaultEvent& e, const std::vector<std::string_view>& f) {
    auto text_at = [&](std::size_t i) { return i < f.size() ? std::string{f[i]} : std::string{}; };
    switch (e.kind) {
        case EventKind::phase:
            e.text = text_at(0);
            return !e.text.empty();
        case EventKind::member:
            return f.size() >= 2 && number(f[0], e.user) && number(f[1], e.peer);
        case EventKind::connect:
            e.text = text_at(1);
            return f.size() >= 2 && number(f[0], e.user);
        case EventKind::disconnect: {
            int was = 0;
            e.text = text_at(2);
            if (f.size() < 2 || !number(f[0], e.user) || !number(f[1], was)) {
                return false;
            }
            e.was_connected = was != 0;
            return true;
        }
        case EventKind::refused:
            e.text = text_at(2);
            return f.size() >= 2 && number(f[0], e.user) && number(f[1], e.code);
        case EventKind::sent:
            return f.size() >= 4 && number(f[0], e.user) && number(f[1], e.id) &&
                   conversation(f[2], e.group) && number(f[3], e.peer);
        case EventKind::ack:
            return f.size() >= 3 && number(f[0], e.user) && number(f[1], e.id) &&
                   number(f[2], e.server_msg_id);
        case EventKind::error:
            e.local = f.size() >= 4 && f[3] == "local";
            e.text = text_at(4);
            return f.size() >= 4 && number(f[0], e.user) && number(f[1], e.id) &&
                   number(f[2], e.code) && (f[3] == "local" || f[3] == "server");
        case EventKind::recv:
            return f.size() >= 9 && number(f[0], e.user) && conversation(f[1], e.group) &&
                   number(f[2], e.peer) && number(f[3], e.from) && number(f[4], e.id) &&
                   number(f[5], e.server_msg_id) && number(f[6], e.seq) &&
                   number(f[7], e.body_from) && number(f[8], e.body_id);
    }
    return false;
}

/// How many space-separated fields each kind has before its free text.
std::size_t fixed_fields(EventKind kind) {
    switch (kind) {
        case EventKind::disconnect:
        case EventKind::refused:
            return 2;
        case EventKind::error:
            return 4;
        default:
            return 16;
    }
}

}  // namespace

std::string format_event(const FaultEvent& e) {
    std::ostringstream out;
    const char* conv = e.group ? "g" : "p";
    out << e.ms << ' ' << name_of(e.kind) << ' ';
    switch (e.kind) {
        case EventKind::phase:
            out << e.text;
            break;
        case EventKind::member:
            out << e.user << ' ' << e.peer;
            break;
        case EventKind::connect:
            out << e.user << ' ' << e.text;
            break;
        case EventKind::disconnect:
            out << e.user << ' ' << (e.was_connected ? 1 : 0) << ' ' << e.text;
            break;
        case EventKind::refused:
            out << e.user << ' ' << e.code << ' ' << e.text;
            break;
        case EventKind::sent:
            out << e.user << ' ' << e.id << ' ' << conv << ' ' << e.peer;
            break;
        case EventKind::ack:
            out << e.user << ' ' << e.id << ' ' << e.server_msg_id;
            break;
        case EventKind::error:
            out << e.user << ' ' << e.id << ' ' << e.code << ' ' << (e.local ? "local" : "server")
                << ' ' << e.text;
            break;
        case EventKind::recv:
            out << e.user << ' ' << conv << ' ' << e.peer << ' ' << e.from << ' ' << e.id << ' '
                << e.server_msg_id << ' ' << e.seq << ' ' << e.body_from << ' ' << e.body_id;
            break;
    }
    std::string line = out.str();
    // One event, one line: free text must not break it.
    for (char& c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return line;
}

std::optional<FaultEvent> parse_event(std::string_view line) {
    const auto head = split(line, 2);
    FaultEvent event;
    if (head.size() < 3 || !number(head[0], event.ms)) {
        return std::nullopt;
    }
    const auto kind = kind_named(head[1]);
    if (!kind) {
        return std::nullopt;
    }
    event.kind = *kind;
    if (!parse_fields(event, split(head[2], fixed_fields(event.kind)))) {
        return std::nullopt;
    }
    return event;
}

}  // namespace parley::tools
