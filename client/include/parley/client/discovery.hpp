#pragma once

#include <functional>
#include <string>
#include <vector>

#include <parley/asio.hpp>
#include <parley/registry.hpp>

namespace parley::client {

/// Where a client learns which nodes exist: a fixed list, or a registry plugin.
class Discovery {
  public:
    virtual ~Discovery();

    /// The current node list; the client asks before every (re)connect. May throw when the
    /// backend is unreachable; the client then keeps the last list it had.
    virtual asio::awaitable<std::vector<NodeInfo>> nodes() = 0;
    /// Calls `on_change` with the full list whenever it changes, from any thread. Call once.
    virtual void watch(std::function<void(std::vector<NodeInfo>)> on_change) = 0;
    /// For logs and messages: "2 fixed servers", "registry plugin 'static'".
    virtual std::string describe() const = 0;
};

}  // namespace parley::client
