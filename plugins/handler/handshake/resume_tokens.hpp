#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <parley/types.hpp>

namespace parley::plugins::handlers {

/// The credential a client presents to take over its previous session: the first 128 bits of
/// HMAC-SHA256(key, "<user>:<epoch>"), as 32 lowercase hex digits. The session epoch alone can
/// be guessed from one's own logins; this cannot without the key. Nodes that share the key
/// accept each other's tokens. Immutable once built: one instance serves every loop.
class ResumeTokens {
  public:
    /// `key` must not be empty.
    explicit ResumeTokens(std::string key);
    /// A key of 32 random bytes: tokens hold on this node only.
    static ResumeTokens random();

    std::string token_for(UserId user, std::uint64_t epoch) const;
    /// Compares in constant time.
    bool matches(UserId user, std::uint64_t epoch, std::string_view given) const;

  private:
    std::string key_;
};

}  // namespace parley::plugins::handlers
