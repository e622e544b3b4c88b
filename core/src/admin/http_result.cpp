#include "admin/http_result.hpp"

#include <spdlog/fmt/fmt.h>

namespace parley::admin {

http::status status_of(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::ok:
            return http::status::ok;
        case ErrorCode::login_failed:
            return http::status::unauthorized;
        case ErrorCode::permission_denied:
            return http::status::forbidden;
        case ErrorCode::backend_unavailable:
        case ErrorCode::server_busy:
        case ErrorCode::server_shutdown:
            return http::status::service_unavailable;
        case ErrorCode::unknown_type:
        case ErrorCode::unknown_service:
        case ErrorCode::unknown_method:
        case ErrorCode::recipient_unavailable:
            return http::status::not_found;
        case ErrorCode::deadline_exceeded:
            return http::status::gateway_timeout;
        case ErrorCode::unavailable:
            return http::status::service_unavailable;
        case ErrorCode::frame_too_large:
            return http::status::payload_too_large;
        case ErrorCode::bad_frame:
        case ErrorCode::bad_body:
            return http::status::bad_request;
        case ErrorCode::rate_limited:
            return http::status::too_many_requests;
        default:
            return http::status::internal_server_error;
    }
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
                } else {
                    out += c;
                }
        }
    }
    out += '"';
    return out;
}

Answer result(ErrorCode code, std::string_view msg, std::string_view data_json) {
    Answer answer;
    answer.status = status_of(code);
    answer.code = code;
    answer.body = "{\"code\":" + std::to_string(static_cast<std::uint32_t>(code)) +
                  ",\"msg\":" + json_string(msg) + ",\"data\":";
    answer.body += data_json;
    answer.body += "}\n";
    return answer;
}

}  // namespace parley::admin
