#pragma once
// Command line of parley-fault-check.

#include <set>
#include <string>
#include <vector>

#include "delivery_check.hpp"
#include "recovery.hpp"

namespace parley::tools {

struct CheckOptions {
    std::vector<std::string> events;  ///< event logs of parley-fault-load
    std::string timeline;             ///< scripts/faults.sh's fault timeline; may be empty
    std::string report;               ///< the text table; empty: stdout
    std::string json;
    std::string anomalies;
    std::string parameters;  ///< how the run was made, for the report's first line
    CheckSettings check;
    RecoverySettings recovery;
    std::set<Finding> tolerated;  ///< counted and reported, but not a failure
    bool help = false;
};

/// Parses argv; throws std::invalid_argument with a message fit for the user.
CheckOptions parse_check_options(int argc, char** argv);

std::string check_usage();

}  // namespace parley::tools
