#pragma once

#include <string_view>

namespace parley::daemon {

/// config/standalone.yaml, compiled in: what parleyd runs when given no -c.
extern const std::string_view kEmbeddedConfig;
extern const char* const kEmbeddedConfigName;

}  // namespace parley::daemon
