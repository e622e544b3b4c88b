#pragma once

#include <parley/config_node.hpp>

namespace parley::plugins::handlers {

/// What happens to a private message whose recipient is offline, on a node with a message log.
enum class OfflinePolicy {
    store,   ///< stored and ACKed; the recipient gets it at the next login (sync)
    refuse,  ///< ERROR 1003, nothing stored (always the case without a message log)
};

struct PrivateSettings {
    OfflinePolicy offline = OfflinePolicy::store;
};

/// Reads handler-private's settings; throws ConfigError.
PrivateSettings read_private_settings(const ConfigNode& settings);

}  // namespace parley::plugins::handlers
