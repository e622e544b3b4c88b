#pragma once

#include <parley/handler.hpp>
#include <parley/store.hpp>

#include "token_verifier.hpp"

namespace parley::plugins::handlers {

/// Logs a session in (frame type 0x01): checks the token, claims the user in the Store under
/// the duplicate-login policy, closes the displaced session when the policy is kick_old, and
/// answers with HandshakeOk. Stateless apart from its settings; one instance serves all loops.
class HandshakeHandler final : public Handler {
  public:
    HandshakeHandler(TokenVerifier verifier, DuplicateLoginPolicy policy);

    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;

  private:
    const TokenVerifier verifier_;
    const DuplicateLoginPolicy policy_;
};

}  // namespace parley::plugins::handlers
