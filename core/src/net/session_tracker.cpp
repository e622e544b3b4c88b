#include "net/session_tracker.hpp"

#include <vector>

namespace parley::net {

void SessionTracker::add(const std::shared_ptr<ClientSession>& session) {
    const std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
    count_.store(sessions_.size(), std::memory_order_release);
}

void SessionTracker::remove(const ClientSession* session) {
    const std::lock_guard lock(mutex_);
    sessions_.erase(session);
    count_.store(sessions_.size(), std::memory_order_release);
}

void SessionTracker::close_all(const Error& reason) {
    std::vector<std::shared_ptr<ClientSession>> open;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [key, weak] : sessions_) {
            if (auto session = weak.lock()) {
                open.push_back(std::move(session));
            }
        }
    }
    for (const auto& session : open) {
        session->close(reason);
    }
}

}  // namespace parley::net
