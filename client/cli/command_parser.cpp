#include "command_parser.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <parley/config_node.hpp>

namespace parley::cli {
namespace {

constexpr std::string_view kSpace = " \t\r\n";

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(kSpace);
    if (first == std::string_view::npos) {
        return {};
    }
    return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

/// Splits off the first word; `rest` keeps everything after it, leading blanks removed.
std::string_view next_word(std::string_view& rest) {
    rest = trim(rest);
    const auto end = rest.find_first_of(kSpace);
    const std::string_view word = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : trim(rest.substr(end));
    return word;
}

/// Thrown inside the parser only; parse() turns it into ParseResult::error.
struct BadLine {
    std::string why;
};

std::uint64_t parse_number(std::string_view word, std::string_view what, std::uint64_t min,
                           std::uint64_t max) {
    std::uint64_t value = 0;
    int base = 10;
    if (word.starts_with("0x") || word.starts_with("0X")) {
        word.remove_prefix(2);
        base = 16;
    }
    const auto [end, error] = std::from_chars(word.data(), word.data() + word.size(), value, base);
    if (word.empty() || error != std::errc{} || end != word.data() + word.size() || value < min ||
        value > max) {
        throw BadLine{std::string(what) + " must be a number from " + std::to_string(min) + " to " +
                      std::to_string(max) + ", not '" + std::string(word) + "'"};
    }
    return value;
}

std::uint32_t parse_id(std::string_view word, std::string_view what) {
    return static_cast<std::uint32_t>(
        parse_number(word, what, 1, std::numeric_limits<std::uint32_t>::max()));
}

std::vector<std::uint8_t> parse_hex(std::string_view hex) {
    const auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    };
    if (hex.size() % 2 != 0) {
        throw BadLine{"the body must be pairs of hex digits, e.g. 0a1b"};
    }
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int high = digit(hex[i]);
        const int low = digit(hex[i + 1]);
        if (high < 0 || low < 0) {
            throw BadLine{"the body must be pairs of hex digits, e.g. 0a1b"};
        }
        bytes.push_back(static_cast<std::uint8_t>(high * 16 + low));
    }
    return bytes;
}

void expect_end(std::string_view rest, std::string_view usage) {
    if (!rest.empty()) {
        throw BadLine{"too many arguments; usage: " + std::string(usage)};
    }
}

std::string_view require_word(std::string_view& rest, std::string_view usage) {
    const std::string_view word = next_word(rest);
    if (word.empty()) {
        throw BadLine{"missing argument; usage: " + std::string(usage)};
    }
    return word;
}

Command parse_command(std::string_view name, std::string_view rest) {
    Command command;
    if (name == "msg" || name == "group") {
        const bool group = name == "group";
        const std::string_view usage = group ? "/group GROUP TEXT" : "/msg USER TEXT";
        command.kind = group ? CommandKind::group : CommandKind::msg;
        command.target = parse_id(require_word(rest, usage), group ? "GROUP" : "USER");
        if (rest.empty()) {
            throw BadLine{"nothing to send; usage: " + std::string(usage)};
        }
        command.text = std::string(rest);
    } else if (name == "join" || name == "leave") {
        const std::string_view usage = name == "join" ? "/join GROUP" : "/leave GROUP";
        command.kind = name == "join" ? CommandKind::join : CommandKind::leave;
        command.target = parse_id(require_word(rest, usage), "GROUP");
        expect_end(rest, usage);
    } else if (name == "users") {
        command.kind = CommandKind::users;
        if (const std::string_view cursor = next_word(rest); !cursor.empty()) {
            command.number =
                parse_number(cursor, "CURSOR", 0, std::numeric_limits<std::uint64_t>::max());
        }
        expect_end(rest, "/users [CURSOR]");
    } else if (name == "raw") {
        constexpr std::string_view usage = "/raw TYPE RECEIVER [HEX]";
        command.kind = CommandKind::raw;
        command.frame_type =
            static_cast<std::uint8_t>(parse_number(require_word(rest, usage), "TYPE", 1, 255));
        command.target = static_cast<std::uint32_t>(parse_number(
            require_word(rest, usage), "RECEIVER", 0, std::numeric_limits<std::uint32_t>::max()));
        command.body = parse_hex(next_word(rest));
        expect_end(rest, usage);
    } else if (name == "sleep") {
        command.kind = CommandKind::sleep;
        command.number = parse_number(require_word(rest, "/sleep MS"), "MS", 0, 3'600'000);
        expect_end(rest, "/sleep MS");
    } else if (name == "wait") {
        // The prefix may hold blanks ("/wait error code=1003 2000"): the timeout is the last word.
        constexpr std::string_view usage = "/wait PREFIX TIMEOUT_MS";
        const auto last_blank = rest.find_last_of(kSpace);
        if (rest.empty() || last_blank == std::string_view::npos) {
            throw BadLine{"missing argument; usage: " + std::string(usage)};
        }
        command.kind = CommandKind::wait;
        command.number = parse_number(rest.substr(last_blank + 1), "TIMEOUT_MS", 0, 3'600'000);
        command.text = std::string(trim(rest.substr(0, last_blank)));
    } else if (name == "history") {
        // "/history 2" is the chat with user 2, "/history #7" group 7's.
        constexpr std::string_view usage = "/history USER|#GROUP";
        command.kind = CommandKind::history;
        std::string_view word = require_word(rest, usage);
        command.group = word.starts_with('#');
        if (command.group) {
            word.remove_prefix(1);
        }
        command.target = parse_id(word, command.group ? "GROUP" : "USER");
        expect_end(rest, usage);
    } else if (name == "help" || name == "quit") {
        command.kind = name == "help" ? CommandKind::help : CommandKind::quit;
        expect_end(rest, "/" + std::string(name));
    }
    return command;
}

}  // namespace

ParseResult CommandParser::parse(std::string_view line) const {
    line = trim(line);
    if (line.empty() || line.front() == '#') {
        return {};
    }
    if (line.front() != '/') {
        return {{},
                "'" + std::string(line.substr(0, 20)) + (line.size() > 20 ? "...'" : "'") +
                    " is not a command; commands start with '/', e.g. /msg USER TEXT "
                    "(type /help for the list)"};
    }
    std::string_view rest = line.substr(1);
    const std::string_view name = next_word(rest);
    const auto& names = command_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string message = "unknown command '/" + std::string(name) + "'; ";
        if (auto hint = closest_match(name, names); !hint.empty()) {
            message += "did you mean '/" + hint + "'? ";
        }
        return {{}, message + "type /help for the list"};
    }
    try {
        return {parse_command(name, rest), {}};
    } catch (const BadLine& bad) {
        return {{}, "/" + std::string(name) + ": " + bad.why};
    }
}

const std::vector<std::string>& CommandParser::command_names() {
    static const std::vector<std::string> names{"msg",  "group", "join",  "leave", "users",  "raw",
                                                "help", "quit",  "sleep", "wait",  "history"};
    return names;
}

std::string CommandParser::help() {
    return R"(commands:
  /msg USER TEXT            send TEXT to user USER
  /group GROUP TEXT         send TEXT to group GROUP (join it first)
  /join GROUP               join group GROUP
  /leave GROUP              leave group GROUP
  /users [CURSOR]           list online users, a page at a time
  /history USER|#GROUP      the latest messages with USER, or of group GROUP, oldest first
                            (a node with a message log only)
  /raw TYPE RECEIVER [HEX]  send a frame of TYPE (e.g. 0x80, for plugins) with a hex body
  /help                     this text
  /quit                     leave
script mode also has:
  /sleep MS                 pause
  /wait PREFIX TIMEOUT_MS   wait until an output line starting with PREFIX appears
lines starting with # are comments)";
}

}  // namespace parley::cli
