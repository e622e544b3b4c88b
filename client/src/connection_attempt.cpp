#include "connection_attempt.hpp"

#include <algorithm>

namespace parley::client {

ConnectionAttempt::ConnectionAttempt(const asio::strand<asio::any_io_executor>& strand,
                                     ServerChoice server, std::uint32_t max_body_size)
    : link(std::make_shared<FrameConnection>(strand, max_body_size)),
      deadline(strand),
      heartbeat_timer(strand),
      delivery_timer(strand),
      choice(std::move(server)) {}

void ConnectionAttempt::end(const std::string& reason, bool may_retry) {
    if (!ended_) {
        ended_ = true;
        may_retry_ = may_retry;
        end_reason_ = reason;
    }
    link->close(reason);
    deadline.cancel();
    heartbeat_timer.cancel();
    delivery_timer.cancel();
}

std::optional<ConnectionAttempt::Request> ConnectionAttempt::answered(std::uint64_t id) {
    const auto it = std::find_if(unanswered_.begin(), unanswered_.end(),
                                 [id](const Request& request) { return request.id == id; });
    if (it == unanswered_.end()) {
        return std::nullopt;
    }
    const Request request = *it;
    unanswered_.erase(it);
    return request;
}

std::uint64_t ConnectionAttempt::answer_oldest(std::uint32_t type) {
    const auto it = std::find_if(unanswered_.begin(), unanswered_.end(),
                                 [type](const Request& request) { return request.type == type; });
    if (it == unanswered_.end()) {
        return 0;
    }
    const std::uint64_t id = it->id;
    unanswered_.erase(it);
    return id;
}

std::deque<std::uint64_t> ConnectionAttempt::unanswered_ids() const {
    std::deque<std::uint64_t> ids;
    for (const auto& request : unanswered_) {
        ids.push_back(request.id);
    }
    return ids;
}

}  // namespace parley::client
