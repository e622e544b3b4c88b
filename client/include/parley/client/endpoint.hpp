#pragma once
// The client reads "host:port" and "scheme://host:port" exactly as the daemon and the
// registries do: the SDK's parsers. What it adds is which of an instance's endpoints it can
// speak: tcp:// (or a bare host:port) and tls://.

#include <optional>
#include <string>
#include <vector>

#include <parley/endpoint.hpp>
#include <parley/registry.hpp>

namespace parley::client {

using parley::Endpoint;
using parley::parse_endpoint;

/// The first of `instance`'s endpoints this client can connect to, skipping schemes it does
/// not speak and endpoints that do not parse; nothing when there is none.
std::optional<ServiceEndpoint> dialable_service_endpoint(const ServiceInstance& instance);
/// Its address alone.
std::optional<Endpoint> dialable_endpoint(const ServiceInstance& instance);
/// How a ServerChoice names an endpoint: "host:port" for tcp, "tls://host:port" for tls.
std::string choice_text(const ServiceEndpoint& endpoint);

/// Why none of `instances` can be dialled, naming what each offers, e.g. "node-a offers
/// tls://10.0.0.1:7443"; "" when some can (or the list is empty).
std::string undialable_reason(const std::vector<ServiceInstance>& instances);

}  // namespace parley::client
