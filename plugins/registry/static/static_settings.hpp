#pragma once

#include <map>
#include <string>
#include <vector>

#include <parley/config_node.hpp>
#include <parley/registry.hpp>

namespace parley::plugins::static_registry {

/// The instances listed in registry-static's settings, by service, in YAML order:
///
///     services:
///       parley.im:
///         - {id: node-a, endpoints: ["tcp://10.0.0.1:7400"], load: 0, metadata: {version: "1"}}
///
/// `nodes: [...]`, the older form, is read as the instances of parley.im. Endpoints are
/// stored with their scheme (a bare "host:port" becomes "tcp://host:port"). Throws ConfigError
/// naming file, line and column.
std::map<std::string, std::vector<ServiceInstance>> read_services(SettingsReader& reader);

}  // namespace parley::plugins::static_registry
