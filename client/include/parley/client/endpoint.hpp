#pragma once
// The client reads "host:port" exactly as the daemon and the registries do: the SDK's parser.

#include <parley/endpoint.hpp>

namespace parley::client {

using parley::Endpoint;
using parley::parse_endpoint;

}  // namespace parley::client
