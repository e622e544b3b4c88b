#include <algorithm>

#include <parley/client/least_loaded_picker.hpp>

namespace parley::client {

const ServiceInstance& LeastLoadedPicker::choose(
    const std::vector<const ServiceInstance*>& candidates, UserId) {
    const auto least = (*std::min_element(candidates.begin(), candidates.end(),
                                          [](const ServiceInstance* a, const ServiceInstance* b) {
                                              return a->load < b->load;
                                          }))
                           ->load;
    std::vector<const ServiceInstance*> ties;
    for (const ServiceInstance* node : candidates) {
        if (node->load == least) {
            ties.push_back(node);
        }
    }
    std::uniform_int_distribution<std::size_t> index(0, ties.size() - 1);
    return *ties[index(random_)];
}

}  // namespace parley::client
