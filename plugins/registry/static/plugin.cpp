// registry-static: the nodes are listed in the configuration. Settings:
//
//     nodes:
//       - {id: node-a, endpoints: ["10.0.0.1:7000"], load: 0}
//
// docs/plugins/registry-static.md describes every key.

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <parley/endpoint.hpp>
#include <parley/plugin.hpp>

#include "static_registry.hpp"

namespace {

using parley::ConfigNode;
using parley::NodeInfo;
using parley::SettingsReader;
using parley::SourceLocation;

NodeInfo read_node(const ConfigNode& item) {
    if (!item.is_map()) {
        item.fail("a node is a map {id, endpoints, load}");
    }
    SettingsReader reader(item, "registry-static node");
    NodeInfo node;
    const ConfigNode& id = reader.require("id");
    node.id = id.as_string();
    if (node.id.empty()) {
        id.fail("the node id is empty");
    }

    const ConfigNode& endpoints = reader.require("endpoints");
    node.endpoints = endpoints.as_string_list();
    if (node.endpoints.empty()) {
        endpoints.fail("node '" + node.id +
                       "' lists no endpoints; give at least one \"host:port\"");
    }
    for (std::size_t i = 0; i < node.endpoints.size(); ++i) {
        const std::string problem = parley::endpoint_problem(node.endpoints[i]);
        if (!problem.empty()) {
            endpoints.items()[i].fail("bad endpoint '" + node.endpoints[i] + "' for node '" +
                                      node.id + "': " + problem);
        }
    }

    node.load = static_cast<std::uint32_t>(
        reader.get_int("load", 0, 0, std::numeric_limits<std::uint32_t>::max()));
    reader.finish();
    return node;
}

std::vector<NodeInfo> read_nodes(SettingsReader& reader) {
    std::vector<NodeInfo> nodes;
    const ConfigNode* list = reader.find("nodes");
    if (list == nullptr || list->is_null()) {
        return nodes;
    }
    if (!list->is_sequence()) {
        list->fail("nodes is a list of {id, endpoints, load} maps");
    }
    std::map<std::string, SourceLocation> first_seen;
    for (const ConfigNode& item : list->items()) {
        NodeInfo node = read_node(item);
        const auto [it, inserted] = first_seen.try_emplace(node.id, item.location());
        if (!inserted) {
            item.fail("duplicate node id '" + node.id + "'; it is first listed at " +
                      it->second.to_string());
        }
        nodes.push_back(std::move(node));
    }
    return nodes;
}

void setup(parley::PluginHost& host, const ConfigNode& settings) {
    SettingsReader reader(settings, "registry-static settings");
    auto nodes = read_nodes(reader);
    reader.finish();
    host.add(std::make_shared<parley::plugins::static_registry::StaticRegistry>(std::move(nodes)));
}

}  // namespace

PARLEY_PLUGIN("registry", "static", "nodes listed in the configuration", setup)
