#include "cluster/local_directory.hpp"

#include <mutex>

namespace parley::cluster {

void LocalDirectory::insert(UserId user, const SessionPtr& session) {
    Shard& s = shard(user);
    const std::lock_guard guard(s.lock);
    s.sessions.insert_or_assign(user, session);
}

void LocalDirectory::erase(UserId user, const Session* session) {
    Shard& s = shard(user);
    const std::lock_guard guard(s.lock);
    const auto it = s.sessions.find(user);
    if (it == s.sessions.end()) {
        return;
    }
    if (it->second.expired() || it->second.lock().get() == session) {
        s.sessions.erase(it);
    }
}

SessionPtr LocalDirectory::find(UserId user) const {
    const Shard& s = shard(user);
    const std::lock_guard guard(s.lock);
    const auto it = s.sessions.find(user);
    return it == s.sessions.end() ? nullptr : it->second.lock();
}

std::size_t LocalDirectory::size() const noexcept {
    std::size_t total = 0;
    for (const auto& s : shards_) {
        const std::lock_guard guard(s.lock);
        total += s.sessions.size();
    }
    return total;
}

}  // namespace parley::cluster
