#pragma once
// What an instance's znode holds, as text, one "key=value" per line:
//
//     load=3
//     endpoint=tcp://127.0.0.1:7400
//     endpoint=tcp://[::1]:7400
//     meta.version=0.3.0
//
// `load` once, `endpoint` once per address in order, `meta.<key>` once per metadata entry.
// Readers ignore keys they do not know, so the format can grow. The service is the parent
// znode's name, the instance id the znode's own.

#include <optional>
#include <string>
#include <string_view>

#include <parley/registry.hpp>

namespace parley::plugins::zookeeper {

/// The znode data for `instance` (its service and id are not part of it).
std::string encode_instance(const ServiceInstance& instance);

/// The instance `id` of `service` whose znode holds `data`; nothing when the data is not in
/// the format above (`problem` then says why).
std::optional<ServiceInstance> decode_instance(const std::string& service, const std::string& id,
                                               std::string_view data, std::string& problem);

/// What keeps `name` (a service or an instance id) from being a znode name, or "" when
/// nothing does.
std::string znode_name_problem(const std::string& name);

}  // namespace parley::plugins::zookeeper
