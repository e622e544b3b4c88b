// store-memory: the in-process store of a standalone node. It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "memory_store.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    parley::SettingsReader reader(settings, "store-memory settings");
    reader.finish();
    host.add(std::make_shared<parley::plugins::memory::MemoryStore>());
}

}  // namespace

PARLEY_PLUGIN("store", "memory", "in-process store for a single node", setup)
