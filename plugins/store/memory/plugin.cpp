// store-memory: the in-process store of a standalone node, with group memberships optionally
// kept in a SQLite file. docs/plugins/store-memory.md describes the settings and the behaviour.

#include <memory>
#include <utility>

#include <parley/plugin.hpp>

#include "groups_file.hpp"
#include "memory_settings.hpp"
#include "memory_store.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    const auto parsed = parley::plugins::memory::read_memory_settings(settings);
    std::unique_ptr<parley::plugins::memory::GroupsFile> groups_file;
    if (parsed.groups_path) {
        groups_file = std::make_unique<parley::plugins::memory::GroupsFile>(*parsed.groups_path);
    }
    host.add(std::make_shared<parley::plugins::memory::MemoryStore>(std::move(groups_file)));
}

}  // namespace

PARLEY_PLUGIN("store", "memory", "in-process store for a single node", setup)
