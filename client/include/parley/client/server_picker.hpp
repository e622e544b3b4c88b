#pragma once
// Choosing the node a client connects to. A picker sees every instance of parley.im on every
// pick, so it follows registry changes without being told.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <parley/registry.hpp>
#include <parley/types.hpp>

namespace parley::client {

struct ServerChoice {
    std::string node_id;  ///< the instance id
    /// The instance's first endpoint the client can speak: "host:port" (tcp) or
    /// "tls://host:port".
    std::string endpoint;
};

/// A load-balancing policy. Not thread safe: one picker per client, used on the client's loop.
class ServerPicker {
  public:
    virtual ~ServerPicker();

    /// Picks a node for `user` among the `nodes` that offer an endpoint the client can speak
    /// (dialable_endpoint). The node named `avoid` (the one that just failed) is picked only
    /// when no other is left. nullopt when no node offers one.
    std::optional<ServerChoice> pick(const std::vector<ServiceInstance>& nodes, UserId user,
                                     std::string_view avoid = {});

    /// The policy's name as configuration spells it, e.g. "round-robin".
    virtual std::string_view name() const noexcept = 0;

  protected:
    /// Chooses one of `candidates`: never empty, in the registry's order.
    virtual const ServiceInstance& choose(const std::vector<const ServiceInstance*>& candidates,
                                          UserId user) = 0;
};

/// The policy names make_server_picker() knows.
const std::vector<std::string>& server_policy_names();

/// The policy called `name`. Policies that draw random numbers use `seed`. An unknown name
/// throws std::invalid_argument: "unknown load-balancing policy 'round-robn'; did you mean
/// 'round-robin'? (known: ...)".
std::unique_ptr<ServerPicker> make_server_picker(std::string_view name, std::uint64_t seed);
/// As above, seeded from std::random_device.
std::unique_ptr<ServerPicker> make_server_picker(std::string_view name);

}  // namespace parley::client
