#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <parley/registry.hpp>
#include <parley/transport.hpp>

namespace parley::cluster {

/// Keeps the routes of departed nodes consumed. A node that leaves the registry (crashed or
/// shut down) may still have messages waiting on its route; every live node adopts that route,
/// and the transport hands each message to one of them, which re-routes it. A node that
/// comes back gets its route back.
///
/// Fed from the registry's watch, on any thread.
class RouteAdoption {
  public:
    RouteAdoption(std::string self, std::shared_ptr<Transport> transport);

    /// The registry's current instances of parley.im: the live nodes.
    void on_nodes(const std::vector<ServiceInstance>& nodes);
    /// No adoption or release after this; call before the transport stops.
    void stop();

    std::set<std::string> adopted() const;

  private:
    std::string self_;
    std::shared_ptr<Transport> transport_;
    mutable std::mutex mutex_;
    std::set<std::string> seen_;     ///< every node this node has known alive
    std::set<std::string> adopted_;  ///< departed nodes whose route this node consumes
    bool stopped_ = false;
};

}  // namespace parley::cluster
