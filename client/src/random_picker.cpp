#include <parley/client/random_picker.hpp>

namespace parley::client {

const ServiceInstance& RandomPicker::choose(const std::vector<const ServiceInstance*>& candidates,
                                            UserId) {
    std::uniform_int_distribution<std::size_t> index(0, candidates.size() - 1);
    return *candidates[index(random_)];
}

}  // namespace parley::client
