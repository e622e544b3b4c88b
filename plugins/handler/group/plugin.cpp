// handler-group: group messages (0x03), joins (0x08) and leaves (0x09). It takes no settings.

#include <memory>

#include <parley/plugin.hpp>

#include "group_join_handler.hpp"
#include "group_leave_handler.hpp"
#include "group_message_handler.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::handlers;
    parley::SettingsReader reader(settings, "handler-group settings");
    reader.finish();
    host.add_handler(parley::FrameType::group_message, std::make_shared<GroupMessageHandler>());
    host.add_handler(parley::FrameType::group_join, std::make_shared<GroupJoinHandler>());
    host.add_handler(parley::FrameType::group_leave, std::make_shared<GroupLeaveHandler>());
}

}  // namespace

PARLEY_PLUGIN("handler", "group", "group messages, joins and leaves (0x03, 0x08, 0x09)", setup)
