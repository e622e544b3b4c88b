#include "timeline.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parley::tools {

std::vector<FaultRound> read_timeline(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read fault timeline " + path);
    }
    std::vector<FaultRound> rounds;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        std::istringstream words(line);
        FaultRound round;
        if (!(words >> round.round >> round.kind >> round.target >> round.start >> round.end) ||
            round.end < round.start) {
            throw std::runtime_error(path + ":" + std::to_string(number) +
                                     ": expected ROUND KIND TARGET START_MS END_MS");
        }
        rounds.push_back(std::move(round));
    }
    std::sort(rounds.begin(), rounds.end(),
              [](const FaultRound& a, const FaultRound& b) { return a.start < b.start; });
    return rounds;
}

}  // namespace parley::tools
