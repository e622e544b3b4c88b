#include <charconv>

#include <parley/error.hpp>

namespace parley {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::ok:
            return "OK";
        case ErrorCode::login_failed:
            return "LOGIN_FAILED";
        case ErrorCode::permission_denied:
            return "PERMISSION_DENIED";
        case ErrorCode::duplicate_login:
            return "DUPLICATE_LOGIN";
        case ErrorCode::recipient_unavailable:
            return "RECIPIENT_UNAVAILABLE";
        case ErrorCode::delivery_failed:
            return "DELIVERY_FAILED";
        case ErrorCode::session_replaced:
            return "SESSION_REPLACED";
        case ErrorCode::kicked:
            return "KICKED";
        case ErrorCode::backend_unavailable:
            return "BACKEND_UNAVAILABLE";
        case ErrorCode::bad_frame:
            return "BAD_FRAME";
        case ErrorCode::unknown_type:
            return "UNKNOWN_TYPE";
        case ErrorCode::frame_too_large:
            return "FRAME_TOO_LARGE";
        case ErrorCode::bad_body:
            return "BAD_BODY";
        case ErrorCode::rate_limited:
            return "RATE_LIMITED";
        case ErrorCode::handshake_timeout:
            return "HANDSHAKE_TIMEOUT";
        case ErrorCode::idle_timeout:
            return "IDLE_TIMEOUT";
        case ErrorCode::slow_consumer:
            return "SLOW_CONSUMER";
        case ErrorCode::server_shutdown:
            return "SERVER_SHUTDOWN";
        case ErrorCode::server_busy:
            return "SERVER_BUSY";
        case ErrorCode::too_many_failed_logins:
            return "TOO_MANY_FAILED_LOGINS";
        case ErrorCode::unknown_service:
            return "UNKNOWN_SERVICE";
        case ErrorCode::unknown_method:
            return "UNKNOWN_METHOD";
        case ErrorCode::deadline_exceeded:
            return "DEADLINE_EXCEEDED";
        case ErrorCode::unavailable:
            return "UNAVAILABLE";
        case ErrorCode::cancelled:
            return "CANCELLED";
        case ErrorCode::internal:
            return "INTERNAL";
    }
    return "UNKNOWN";
}

Error::Error(ErrorCode code, const std::string& message, std::string data)
    : std::runtime_error(message), code_(code), data_(std::move(data)) {}

Error::~Error() = default;

namespace {
constexpr std::string_view kRetryAfterKey = "retry_after_ms=";
}  // namespace

Error retry_later(const std::string& what, std::chrono::milliseconds wait) {
    const std::string ms = std::to_string(wait.count());
    return Error(ErrorCode::rate_limited, what + "; retry in " + ms + " ms",
                 std::string{kRetryAfterKey} + ms);
}

std::optional<std::chrono::milliseconds> retry_after(std::string_view data) noexcept {
    const auto at = data.find(kRetryAfterKey);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view digits = data.substr(at + kRetryAfterKey.size());
    std::int64_t ms = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), ms);
    if (error != std::errc{} || end == digits.data()) {
        return std::nullopt;
    }
    return std::chrono::milliseconds{ms};
}

}  // namespace parley
