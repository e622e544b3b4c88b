#pragma once

#include <parley/handler.hpp>
#include <parley/store.hpp>

#include "resume_tokens.hpp"
#include "token_verifier.hpp"

namespace parley::plugins::handlers {

/// Logs a session in (frame type 0x01): checks the token, claims the user in the Store under
/// the duplicate-login policy (or, with the resume token of the session holding the user,
/// takes over from it), closes the displaced session, and answers with HandshakeOk carrying
/// this session's resume token. Stateless apart from its settings; one instance serves all loops.
class HandshakeHandler final : public Handler {
  public:
    HandshakeHandler(TokenVerifier verifier, DuplicateLoginPolicy policy, ResumeTokens resume);

    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;

  private:
    const TokenVerifier verifier_;
    const DuplicateLoginPolicy policy_;
    const ResumeTokens resume_;
};

}  // namespace parley::plugins::handlers
