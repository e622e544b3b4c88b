#pragma once
// The fault timeline scripts/faults.sh writes, one round a line:
//
//   ROUND KIND TARGET START_MS END_MS
//
// e.g. "3 kill node-2 1700000000000 1700000006500": the fault began at START (wall clock, ms)
// and was undone at END. Lines starting with '#' are comments.

#include <cstdint>
#include <string>
#include <vector>

namespace parley::tools {

struct FaultRound {
    int round = 0;
    std::string kind;    ///< kill, stop, redis, zookeeper, kafka-broker, kafka-all, double
    std::string target;  ///< what it hit, e.g. node-2, broker-1, kill:node-1+kafka-broker:broker-2
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// Throws std::runtime_error naming the file and line of a malformed round.
std::vector<FaultRound> read_timeline(const std::string& path);

}  // namespace parley::tools
