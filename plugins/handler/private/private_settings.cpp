#include "private_settings.hpp"

namespace parley::plugins::handlers {

PrivateSettings read_private_settings(const ConfigNode& settings) {
    SettingsReader reader(settings, "handler-private settings");
    PrivateSettings parsed;
    parsed.offline = reader.get_choice("offline", "store", {"store", "refuse"}) == "store"
                         ? OfflinePolicy::store
                         : OfflinePolicy::refuse;
    reader.finish();
    return parsed;
}

}  // namespace parley::plugins::handlers
