#include "net/node_metrics.hpp"

#include <algorithm>

#include <spdlog/fmt/fmt.h>

#include <parley/frame.hpp>

namespace parley::net {
namespace {

constexpr const char* kFramesIn = "parley_frames_received_total";
constexpr const char* kFramesOut = "parley_frames_sent_total";

// error.hpp's table; a code not listed here is counted all the same, only more slowly.
constexpr std::array kKnownCodes{
    ErrorCode::ok,
    ErrorCode::login_failed,
    ErrorCode::permission_denied,
    ErrorCode::duplicate_login,
    ErrorCode::recipient_unavailable,
    ErrorCode::session_replaced,
    ErrorCode::delivery_failed,
    ErrorCode::kicked,
    ErrorCode::backend_unavailable,
    ErrorCode::bad_frame,
    ErrorCode::unknown_type,
    ErrorCode::frame_too_large,
    ErrorCode::bad_body,
    ErrorCode::rate_limited,
    ErrorCode::handshake_timeout,
    ErrorCode::idle_timeout,
    ErrorCode::slow_consumer,
    ErrorCode::server_shutdown,
    ErrorCode::server_busy,
    ErrorCode::too_many_failed_logins,
    ErrorCode::internal,
};

const char* refusal_label(Refusal kind) {
    switch (kind) {
        case Refusal::bad_stream:
            return "bad_stream";
        case Refusal::busy:
            return "busy";
        case Refusal::failed_login:
            return "failed_login";
        case Refusal::login_throttled:
            return "login_throttled";
        case Refusal::slow_consumer:
            return "slow_consumer";
        case Refusal::group_backlog:
            return "group_backlog";
        case Refusal::count:
            break;
    }
    return "other";
}

metrics::Labels code_labels(ErrorCode code) {
    return {{"code", std::to_string(static_cast<std::uint32_t>(code))},
            {"name", std::string{to_string(code)}}};
}

metrics::Counter& frame_counter(std::uint8_t type, bool received) {
    return metrics::registry().counter(received ? kFramesIn : kFramesOut,
                                       received ? "Frames decoded from clients, by frame type."
                                                : "Frames queued for clients, by frame type.",
                                       {{"type", NodeMetrics::type_label(type)}});
}

}  // namespace

std::string NodeMetrics::type_label(std::uint8_t type) {
    switch (static_cast<FrameType>(type)) {
        case FrameType::handshake:
            return "handshake";
        case FrameType::heartbeat:
            return "heartbeat";
        case FrameType::group_message:
            return "group_message";
        case FrameType::private_message:
            return "private_message";
        case FrameType::ack:
            return "ack";
        case FrameType::error:
            return "error";
        case FrameType::presence:
            return "presence";
        case FrameType::group_join:
            return "group_join";
        case FrameType::group_leave:
            return "group_leave";
        case FrameType::goodbye:
            return "goodbye";
        case FrameType::received:
            return "received";
        case FrameType::sync:
            return "sync";
        case FrameType::history:
            return "history";
        case FrameType::rpc:
            return "rpc";
        case FrameType::rpc_cancel:
            return "rpc_cancel";
    }
    return fmt::format("0x{:02x}", type);
}

NodeMetrics& NodeMetrics::get() {
    static NodeMetrics* const instance = new NodeMetrics();  // counted into until exit
    return *instance;
}

NodeMetrics::NodeMetrics()
    : errors_{"parley_errors_sent_total", "ERROR frames sent to clients, by code.", {}},
      failed_logins_{"parley_login_failures_total",
                     "Handshakes answered with an ERROR instead of a login, by code.",
                     {}},
      logins_(metrics::registry().counter("parley_logins_total", "Successful logins.")),
      slow_consumers_(metrics::registry().counter(
          "parley_slow_consumer_closes_total",
          "Sessions closed because too much was waiting to be written to them (5002).")) {
    for (std::uint8_t type = 1; type <= static_cast<std::uint8_t>(FrameType::history); ++type) {
        frames_in_[type] = &frame_counter(type, true);
        frames_out_[type] = &frame_counter(type, false);
    }
    for (ByCode* table : {&errors_, &failed_logins_}) {
        for (std::size_t i = 0; i < kKnownCodes.size(); ++i) {
            if (kKnownCodes[i] != ErrorCode::ok) {
                table->known[i] = &metrics::registry().counter(table->name, table->help,
                                                               code_labels(kKnownCodes[i]));
            }
        }
    }
    for (std::size_t i = 0; i < refusals_.size(); ++i) {
        refusals_[i] = &metrics::registry().counter(
            "parley_refusals_total",
            "Connections or requests turned away by a limit, by the limit's kind.",
            {{"reason", refusal_label(static_cast<Refusal>(i))}});
    }
}

metrics::Counter& NodeMetrics::of_type(ByType& table, std::uint8_t type, bool received) noexcept {
    metrics::Counter* counter = table[type].load(std::memory_order_acquire);
    if (counter == nullptr) {
        // First of its type: the registry's get-or-create makes racing threads agree.
        counter = &frame_counter(type, received);
        table[type].store(counter, std::memory_order_release);
    }
    return *counter;
}

metrics::Counter& NodeMetrics::of_code(ByCode& table, ErrorCode code) noexcept {
    const auto known = std::find(kKnownCodes.begin(), kKnownCodes.end(), code);
    if (known != kKnownCodes.end() && table.known[known - kKnownCodes.begin()] != nullptr) {
        return *table.known[known - kKnownCodes.begin()];
    }
    return metrics::registry().counter(table.name, table.help, code_labels(code));
}

}  // namespace parley::net
