#include <parley/client/round_robin_picker.hpp>

namespace parley::client {

const NodeInfo& RoundRobinPicker::choose(const std::vector<const NodeInfo*>& candidates, UserId) {
    return *candidates[next_++ % candidates.size()];
}

}  // namespace parley::client
