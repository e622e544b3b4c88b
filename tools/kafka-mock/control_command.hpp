#pragma once
// The stdin control protocol of parley-kafka-mock: one command per line, one answer per line.

#include <string>
#include <string_view>

#include "mock_cluster.hpp"

namespace parley::tools {

/// Carries out `line` ("down 2", "up all") on `cluster` and returns the answer, "ok <command>"
/// or "error <reason>". An empty line answers "" (nothing is printed for it).
std::string run_control_command(MockCluster& cluster, std::string_view line);

}  // namespace parley::tools
