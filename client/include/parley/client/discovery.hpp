#pragma once

#include <functional>
#include <string>
#include <vector>

#include <parley/asio.hpp>
#include <parley/registry.hpp>

namespace parley::client {

/// Where a client learns which nodes exist: the instances of parley.im (kParleyService), from a
/// fixed list or a registry plugin.
class Discovery {
  public:
    virtual ~Discovery();

    /// The current instances; the client asks before every (re)connect. May throw when the
    /// backend is unreachable; the client then keeps the last list it had.
    virtual asio::awaitable<std::vector<ServiceInstance>> instances() = 0;
    /// Calls `on_change` with the full list whenever it changes, from any thread, until the
    /// returned handle is dropped. Drop it before the Discovery.
    [[nodiscard]] virtual Subscription watch(
        std::function<void(std::vector<ServiceInstance>)> on_change) = 0;
    /// For logs and messages: "2 fixed servers", "registry plugin 'static'".
    virtual std::string describe() const = 0;
};

}  // namespace parley::client
