#include <parley/client/round_robin_picker.hpp>

namespace parley::client {

const ServiceInstance& RoundRobinPicker::choose(
    const std::vector<const ServiceInstance*>& candidates, UserId) {
    return *candidates[next_++ % candidates.size()];
}

}  // namespace parley::client
