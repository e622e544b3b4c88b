#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include <parley/error.hpp>

namespace parley::admin {

namespace http = boost::beast::http;

using HttpRequest = http::request<http::string_body>;

/// What a route answers. Almost always the result shape {code, msg, data} as JSON (result());
/// /metrics answers Prometheus text instead.
struct Answer {
    http::status status = http::status::ok;
    ErrorCode code = ErrorCode::ok;  ///< logged with the request, and in the body's `code`
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<http::field, std::string>> headers;
};

/// The one result shape: {"code": N, "msg": "...", "data": DATA}, with the HTTP status the
/// code maps to (status_of). `data_json` must be JSON already ("null" for none).
Answer result(ErrorCode code, std::string_view msg, std::string_view data_json = "null");

/// The HTTP status an error code is answered with: 0 -> 200, 1000 -> 401, 1001 -> 403,
/// 1003 -> 404, 2000 -> 503, 3xxx -> 400 (3001 -> 404, 3002 -> 413), 4000 -> 429, 5003 and
/// 5004 -> 503, 6000 and 6001 -> 404, 6002 -> 504, 6003 -> 503, else 500.
http::status status_of(ErrorCode code) noexcept;

/// `text` as a JSON string literal, quotes included.
std::string json_string(std::string_view text);

}  // namespace parley::admin
