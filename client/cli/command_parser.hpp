#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "command.hpp"

namespace parley::cli {

struct ParseResult {
    Command command;
    std::string error;  ///< why the line is not a command; empty when it is one
    bool ok() const noexcept { return error.empty(); }
};

/// Turns a line of input into a Command. Knows nothing of sockets or terminals, so it is
/// tested on its own. Stateless.
class CommandParser {
  public:
    ParseResult parse(std::string_view line) const;

    /// The /help text.
    static std::string help();
    /// "msg", "join", ...: the names after the slash.
    static const std::vector<std::string>& command_names();
};

}  // namespace parley::cli
