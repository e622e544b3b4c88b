#include <parley/client/random_picker.hpp>

namespace parley::client {

const NodeInfo& RandomPicker::choose(const std::vector<const NodeInfo*>& candidates, UserId) {
    std::uniform_int_distribution<std::size_t> index(0, candidates.size() - 1);
    return *candidates[index(random_)];
}

}  // namespace parley::client
