#include "output_log.hpp"

#include <algorithm>

namespace parley::cli {

OutputLog::OutputLog(std::ostream& out, std::size_t remembered)
    : out_(out), remembered_(std::max<std::size_t>(remembered, 1)) {}

void OutputLog::print(const std::string& text) {
    if (text.empty()) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        std::size_t begin = 0;
        while (begin <= text.size()) {
            const std::size_t end = std::min(text.find('\n', begin), text.size());
            unmatched_.emplace_back(text, begin, end - begin);
            out_ << unmatched_.back() << '\n';
            begin = end + 1;
        }
        out_.flush();  // a script reading our stdout must see each event as it happens
        while (unmatched_.size() > remembered_) {
            unmatched_.pop_front();
        }
    }
    changed_.notify_all();
}

bool OutputLog::wait_for(std::string_view prefix, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (consume_through(prefix)) {
            return true;
        }
        if (closed_) {
            return false;
        }
        if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
            return consume_through(prefix);  // the line may have come with the timeout
        }
    }
}

bool OutputLog::consume_through(std::string_view prefix) {
    const auto match =
        std::find_if(unmatched_.begin(), unmatched_.end(),
                     [prefix](const std::string& line) { return line.starts_with(prefix); });
    if (match == unmatched_.end()) {
        return false;
    }
    unmatched_.erase(unmatched_.begin(), match + 1);
    return true;
}

void OutputLog::sleep_for(std::chrono::milliseconds duration) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, duration, [this] { return closed_; });
}

void OutputLog::close() {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
    }
    changed_.notify_all();
}

}  // namespace parley::cli
