// handler-handshake: logs sessions in (frame type 0x01). docs/plugins/handler-handshake.md
// describes the settings: auth (none | static | hmac-sha256), tokens, secret, duplicate_login.

#include <memory>
#include <utility>

#include <parley/plugin.hpp>

#include "handshake_handler.hpp"
#include "handshake_settings.hpp"

namespace {

void setup(parley::PluginHost& host, const parley::ConfigNode& settings) {
    using namespace parley::plugins::handlers;
    HandshakeSettings parsed = read_handshake_settings(settings);
    host.add_handler(
        parley::FrameType::handshake,
        std::make_shared<HandshakeHandler>(std::move(parsed.verifier), parsed.duplicate_login,
                                           std::move(parsed.resume)));
}

}  // namespace

PARLEY_PLUGIN("handler", "handshake", "logs sessions in (frame type 0x01)", setup)
