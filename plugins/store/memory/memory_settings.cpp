#include "memory_settings.hpp"

#include <string>

namespace parley::plugins::memory {

MemorySettings read_memory_settings(const ConfigNode& node) {
    SettingsReader reader(node, "store-memory settings");
    MemorySettings settings;
    if (const ConfigNode* path = reader.find("groups_path")) {
        const std::string text = path->as_string();
        if (text.empty()) {
            path->fail("store-memory settings: groups_path must name a file");
        }
        settings.groups_path = text;
    }
    reader.finish();
    return settings;
}

}  // namespace parley::plugins::memory
