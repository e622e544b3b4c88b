#include <random>
#include <stdexcept>

#include <parley/client/consistent_hash_picker.hpp>
#include <parley/client/endpoint.hpp>
#include <parley/client/least_loaded_picker.hpp>
#include <parley/client/random_picker.hpp>
#include <parley/client/round_robin_picker.hpp>
#include <parley/client/server_picker.hpp>
#include <parley/config_node.hpp>

namespace parley::client {

ServerPicker::~ServerPicker() = default;

std::optional<ServerChoice> ServerPicker::pick(const std::vector<ServiceInstance>& nodes,
                                               UserId user, std::string_view avoid) {
    std::vector<const ServiceInstance*> candidates;
    const ServiceInstance* avoided = nullptr;
    std::vector<ServiceEndpoint> dialable(nodes.size());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const ServiceInstance& node = nodes[i];
        auto endpoint = dialable_service_endpoint(node);
        if (!endpoint) {
            continue;
        }
        dialable[i] = std::move(*endpoint);
        if (!avoid.empty() && node.id == avoid) {
            avoided = &node;
        } else {
            candidates.push_back(&node);
        }
    }
    if (candidates.empty() && avoided != nullptr) {
        candidates.push_back(avoided);  // the only node there is: better than none
    }
    if (candidates.empty()) {
        return std::nullopt;
    }
    const ServiceInstance& chosen = choose(candidates, user);
    const auto index = static_cast<std::size_t>(&chosen - nodes.data());
    return ServerChoice{chosen.id, choice_text(dialable[index])};
}

const std::vector<std::string>& server_policy_names() {
    static const std::vector<std::string> names{"random", "round-robin", "least-loaded",
                                                "consistent-hash"};
    return names;
}

std::unique_ptr<ServerPicker> make_server_picker(std::string_view name, std::uint64_t seed) {
    if (name == "random") {
        return std::make_unique<RandomPicker>(seed);
    }
    if (name == "round-robin") {
        return std::make_unique<RoundRobinPicker>();
    }
    if (name == "least-loaded") {
        return std::make_unique<LeastLoadedPicker>(seed);
    }
    if (name == "consistent-hash") {
        return std::make_unique<ConsistentHashPicker>();
    }
    std::string message = "unknown load-balancing policy '" + std::string(name) + "'";
    if (auto hint = closest_match(name, server_policy_names()); !hint.empty()) {
        message += "; did you mean '" + hint + "'?";
    }
    message += " (known:";
    for (const auto& known : server_policy_names()) {
        message += " " + known;
    }
    throw std::invalid_argument(message + ")");
}

std::unique_ptr<ServerPicker> make_server_picker(std::string_view name) {
    std::random_device device;
    return make_server_picker(name, (std::uint64_t{device()} << 32) | device());
}

}  // namespace parley::client
