#pragma once
// Command line of parley-fault-load.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace parley::tools {

struct LoadOptions {
    std::filesystem::path config;      ///< a client YAML (registry or servers), or ...
    std::vector<std::string> servers;  ///< ... fixed "host:port" endpoints
    std::string policy = "random";
    std::filesystem::path events;  ///< the event log to write
    int users = 24;
    std::uint32_t first_user = 1001;
    int groups = 3;
    int groups_per_user = 2;
    double rate = 2.0;          ///< messages a second, per user
    double group_share = 0.25;  ///< of them, the part that goes to a group
    std::uint64_t seed = 1;
    std::chrono::seconds duration{0};  ///< of traffic; 0: until the stop file appears
    std::filesystem::path stop_file;   ///< its appearance ends the traffic
    std::chrono::seconds drain{15};    ///< after the traffic, before the clients stop
    std::chrono::seconds warmup_limit{60};
    std::chrono::milliseconds max_backoff{2000};
    bool help = false;
};

/// Parses argv; throws std::invalid_argument with a message fit for the user.
LoadOptions parse_load_options(int argc, char** argv);

std::string load_usage();

}  // namespace parley::tools
