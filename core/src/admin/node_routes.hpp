#pragma once

#include <chrono>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

#include "admin/probes.hpp"
#include "admin/router.hpp"

namespace parley::admin {

/// What the node's routes ask of the node. Called on the control loop.
class NodeStatus {
  public:
    virtual ~NodeStatus() = default;
    /// /healthz: one probe per event loop (it answers when the loop runs a posted task).
    virtual std::vector<Probe> liveness_probes() = 0;
    /// /readyz: the backends (store, registry, transport, message log) and the announcement.
    virtual std::vector<Probe> readiness_probes() = 0;
};

/// Adds GET /healthz, GET /readyz and GET /metrics (protected) to `router`. Probes that do not
/// answer within `deadline` count as failed.
void add_node_routes(Router& router, NodeStatus& node, const boost::asio::any_io_executor& control,
                     std::chrono::milliseconds deadline);

}  // namespace parley::admin
