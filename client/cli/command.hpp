#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::cli {

enum class CommandKind {
    none,  ///< an empty line or a # comment
    users,
    msg,
    join,
    leave,
    group,
    raw,
    help,
    quit,
    sleep,
    wait,
    history,
};

/// One parsed line of input. Which fields matter depends on the kind.
struct Command {
    CommandKind kind = CommandKind::none;
    std::uint32_t target =
        0;  ///< user (msg), group (group, join, leave), receiver (raw), either (history)
    bool group = false;              ///< history: target is a group
    std::string text;                ///< message text (msg, group), line prefix (wait)
    std::uint64_t number = 0;        ///< cursor (users), milliseconds (sleep, wait)
    std::uint8_t frame_type = 0;     ///< raw
    std::vector<std::uint8_t> body;  ///< raw
};

}  // namespace parley::cli
