#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <parley/error.hpp>

#include "net/session.hpp"

namespace parley::net {

/// Every open session, logged in or not, so shutdown can reach them all. Touched on accept and
/// close only, never per message. Thread safe.
class SessionTracker {
  public:
    void add(const std::shared_ptr<ClientSession>& session);
    void remove(const ClientSession* session);
    std::size_t count() const noexcept { return count_.load(std::memory_order_acquire); }
    /// Asks every open session to close with `reason`.
    void close_all(const Error& reason);

  private:
    mutable std::mutex mutex_;
    std::unordered_map<const ClientSession*, std::weak_ptr<ClientSession>> sessions_;
    std::atomic<std::size_t> count_{0};
};

}  // namespace parley::net
