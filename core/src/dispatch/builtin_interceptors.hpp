#pragma once
// The interceptors every node runs first, before any configured by plugins.

#include <parley/handler.hpp>

namespace parley::dispatch {

/// Only a handshake may come before login; everything else is refused with login_failed.
class AuthenticationInterceptor final : public Interceptor {
  public:
    std::optional<Error> inspect(const Session& session, const Frame& frame) override;
};

/// The header's sender must be 0 or the session's own user: the server never trusts it.
class SenderCheckInterceptor final : public Interceptor {
  public:
    std::optional<Error> inspect(const Session& session, const Frame& frame) override;
};

}  // namespace parley::dispatch
