#pragma once

#include <map>
#include <string>
#include <vector>

#include "redis_command.hpp"

namespace parley::plugins::redis {

/// The scripts a pool runs and the SHA1 Redis gave each when a connection loaded it (SCRIPT
/// LOAD), so calls can go out as EVALSHA. Guarded by the pool's StrandLock.
class ScriptCache {
  public:
    explicit ScriptCache(std::vector<const RedisScript*> scripts) : scripts_(std::move(scripts)) {}

    const std::vector<const RedisScript*>& scripts() const noexcept { return scripts_; }
    /// The SHA, or nullptr while no connection has loaded the script.
    const std::string* sha(const RedisScript& script) const {
        const auto it = shas_.find(&script);
        return it == shas_.end() ? nullptr : &it->second;
    }
    void learn(const RedisScript& script, std::string sha) { shas_[&script] = std::move(sha); }

  private:
    std::vector<const RedisScript*> scripts_;
    std::map<const RedisScript*, std::string> shas_;
};

}  // namespace parley::plugins::redis
