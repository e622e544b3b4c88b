#include "stdin_lines.hpp"

#include <cerrno>

#include <poll.h>
#include <unistd.h>

namespace parley::cli {

bool StdinLines::take_line(std::string& line) {
    const auto newline = buffer_.find('\n');
    if (newline == std::string::npos) {
        return false;
    }
    line.assign(buffer_, 0, newline);
    buffer_.erase(0, newline + 1);
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return true;
}

StdinLines::Status StdinLines::next(std::string& line, std::chrono::milliseconds timeout) {
    for (;;) {
        if (take_line(line)) {
            return Status::line;
        }
        if (eof_) {
            if (buffer_.empty()) {
                return Status::eof;
            }
            line = std::move(buffer_);
            buffer_.clear();
            return Status::line;
        }
        pollfd ready{fd_, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(timeout.count()));
        if (polled < 0 && errno == EINTR) {
            continue;
        }
        if (polled == 0) {
            return Status::timeout;
        }
        char chunk[4096];
        const ssize_t got = polled < 0 ? -1 : ::read(fd_, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            eof_ = true;  // end of input, or an input we cannot read: both end the session
            continue;
        }
        buffer_.append(chunk, static_cast<std::size_t>(got));
    }
}

}  // namespace parley::cli
