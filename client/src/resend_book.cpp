#include "resend_book.hpp"

namespace parley::client {

void ResendBook::written(std::uint64_t id, Frame frame) {
    frames_.insert_or_assign(id, std::move(frame));
}

std::optional<Frame> ResendBook::answered(std::uint64_t id) {
    const auto it = frames_.find(id);
    if (it == frames_.end()) {
        return std::nullopt;
    }
    Frame frame = std::move(it->second);
    frames_.erase(it);
    return frame;
}

std::vector<std::pair<std::uint64_t, Frame>> ResendBook::take_all() {
    std::vector<std::pair<std::uint64_t, Frame>> all(frames_.begin(), frames_.end());
    frames_.clear();
    return all;
}

}  // namespace parley::client
