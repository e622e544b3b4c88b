#include "net/session_tracker.hpp"

#include <algorithm>

#include <boost/asio/post.hpp>

#include "net/session_loop.hpp"

namespace parley::net {

void SessionTracker::add(const std::shared_ptr<ClientSession>& session) {
    count_.fetch_add(1, std::memory_order_acq_rel);
    SessionLoop* loop = &session->loop();
    const std::lock_guard lock(mutex_);
    if (std::find(loops_.begin(), loops_.end(), loop) == loops_.end()) {
        loops_.push_back(loop);
    }
}

void SessionTracker::remove(const ClientSession*) {
    count_.fetch_sub(1, std::memory_order_acq_rel);
}

void SessionTracker::close_all(const Error& reason) {
    const std::lock_guard lock(mutex_);
    for (SessionLoop* loop : loops_) {
        boost::asio::post(loop->executor(), [loop, reason] { loop->close_all(reason); });
    }
}

}  // namespace parley::net
