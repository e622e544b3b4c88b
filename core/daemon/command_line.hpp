#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace parley::daemon {

struct CommandLine {
    std::vector<std::filesystem::path> config_files;  ///< in order; later override earlier
    bool check_config = false;
    bool help = false;
    bool version = false;
    std::filesystem::path ready_file;  ///< written once serving; empty for none
    std::optional<std::string> log_level;
};

/// Throws std::invalid_argument with a message fit for the user.
CommandLine parse_command_line(int argc, char** argv);

std::string usage();

}  // namespace parley::daemon
