#pragma once
// What a node's znode holds, as text, one "key=value" per line:
//
//     load=3
//     endpoint=127.0.0.1:7400
//     endpoint=[::1]:7400
//
// `load` once (sessions held), `endpoint` once per address clients may connect to, in order.
// Readers ignore keys they do not know, so the format can grow. The node id is the znode's name.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <parley/registry.hpp>

namespace parley::plugins::zookeeper {

/// The znode data for `node` (its id is not part of it).
std::string encode_node(const NodeInfo& node);

/// The node called `id` whose znode holds `data`; nothing when the data is not in the format
/// above (`problem` then says why).
std::optional<NodeInfo> decode_node(const std::string& id, std::string_view data,
                                    std::string& problem);

/// What keeps `id` from being a znode name, or "" when nothing does.
std::string node_id_problem(const std::string& id);

/// Equal ids, endpoints and loads.
bool same_nodes(const std::vector<NodeInfo>& a, const std::vector<NodeInfo>& b);

}  // namespace parley::plugins::zookeeper
