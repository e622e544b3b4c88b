#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/config.hpp>

#include <parley/asio.hpp>

namespace parley {

struct NodeInfo {
    std::string id;
    std::vector<std::string> endpoints;  ///< "host:port" clients connect to
    std::uint32_t load = 0;              ///< sessions held; lower is better
};

/// Who the nodes are. The daemon announces itself; clients and routers list and watch. Thread
/// safe; watch callbacks may come from any thread.
class BOOST_SYMBOL_VISIBLE Registry {
  public:
    /// What PluginHost::add registers this interface as.
    static constexpr std::string_view kPluginKind = "registry";
    using PluginInterface = Registry;

    virtual ~Registry();

    virtual asio::awaitable<void> announce(NodeInfo self) = 0;
    /// Updates the load this node announces; cheap, may be called often.
    virtual void report_load(std::uint32_t load) = 0;
    virtual asio::awaitable<std::vector<NodeInfo>> nodes() = 0;
    /// Calls `on_change` with the full list whenever it changes.
    virtual void watch(std::function<void(std::vector<NodeInfo>)> on_change) = 0;
    virtual asio::awaitable<void> withdraw() = 0;
};

}  // namespace parley
