#pragma once

#include <parley/config_node.hpp>
#include <parley/store.hpp>

#include "resume_tokens.hpp"
#include "token_verifier.hpp"

namespace parley::plugins::handlers {

/// The plugin's settings, validated. docs/plugins/handler-handshake.md describes them.
struct HandshakeSettings {
    TokenVerifier verifier = TokenVerifier::accept_any();
    DuplicateLoginPolicy duplicate_login = DuplicateLoginPolicy::reject;
    /// `resume_secret`; without it, derived from `secret` under hmac-sha256, else random.
    ResumeTokens resume = ResumeTokens::random();
};

/// Reads `auth` (none | static | hmac-sha256), `tokens`, `secret`, `duplicate_login` and
/// `resume_secret`; throws
/// ConfigError naming the bad key and its place.
HandshakeSettings read_handshake_settings(const ConfigNode& settings);

}  // namespace parley::plugins::handlers
