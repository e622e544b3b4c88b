#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include <parley/error.hpp>

#include "net/session.hpp"

namespace parley::net {

class SessionLoop;

/// Counts the open sessions, logged in or not, and reaches them all at shutdown. It keeps no
/// entry per session: it knows the loops sessions run on, and each loop's SessionLoop knows
/// its own sessions. Touched on accept and close only, never per message. Thread safe.
class SessionTracker {
  public:
    void add(const std::shared_ptr<ClientSession>& session);
    void remove(const ClientSession* session);
    std::size_t count() const noexcept { return count_.load(std::memory_order_acquire); }
    /// Asks every open session to close with `reason` (posted to each session's loop).
    void close_all(const Error& reason);

  private:
    std::mutex mutex_;
    std::vector<SessionLoop*> loops_;  // a few: one per event loop that ever had a session
    std::atomic<std::size_t> count_{0};
};

}  // namespace parley::net
