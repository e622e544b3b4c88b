// handler-sync: reliable delivery's frames on a node with a message log: RECEIVED (0x0B),
// SYNC (0x0C) and HISTORY (0x0D). It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "history_handler.hpp"
#include "received_handler.hpp"
#include "sync_handler.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::handlers;
    parley::SettingsReader reader(settings, "handler-sync settings");
    reader.finish();
    host.add_handler(parley::FrameType::received, std::make_shared<ReceivedHandler>());
    host.add_handler(parley::FrameType::sync, std::make_shared<SyncHandler>());
    host.add_handler(parley::FrameType::history, std::make_shared<HistoryHandler>());
}

}  // namespace

PARLEY_PLUGIN("handler", "sync", "RECEIVED, SYNC and HISTORY (0x0B-0x0D)", setup)
