#include "call_recorder.hpp"

namespace parley::bench::rpc {

CallRecorder::CallRecorder(Clock::time_point measure_from, Clock::time_point measure_until)
    : from_(measure_from), until_(measure_until) {}

bool CallRecorder::completed(Clock::time_point sent, std::string_view failure) {
    const Clock::time_point now = Clock::now();
    if (!failure.empty()) {
        if (errors_++ == 0) {
            first_error_ = failure;
        }
    } else if (now >= from_ && now < until_) {
        latency_.record(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent).count()));
    } else {
        ++outside_;
    }
    return now < until_;
}

}  // namespace parley::bench::rpc
