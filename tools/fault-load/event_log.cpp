#include "event_log.hpp"

#include <chrono>
#include <stdexcept>
#include <string>

namespace parley::tools {

EventLog::EventLog(const std::filesystem::path& path) : file_(std::fopen(path.c_str(), "a")) {
    if (file_ == nullptr) {
        throw std::runtime_error("cannot open event log " + path.string());
    }
}

EventLog::~EventLog() {
    std::fclose(file_);
}

std::int64_t EventLog::now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void EventLog::write(FaultEvent event) {
    event.ms = now();
    const std::string line = format_event(event) + '\n';
    const std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
}

}  // namespace parley::tools
