#include "net/http_upgrade.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <openssl/evp.h>
#include <openssl/sha.h>

namespace parley::net {
namespace http = boost::beast::http;

namespace {

std::string response(int status, std::string_view reason, std::string_view extra_headers = {},
                     std::string_view body = {}, std::string_view type = "text/plain") {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string{reason} + "\r\n";
    out += "Server: parleyd\r\n";
    out += extra_headers;
    if (status != 101) {
        out += "Content-Type: " + std::string{type} + "\r\n";
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    out += body;
    return out;
}

HttpUpgrade::Answer refuse(int status, std::string_view reason, std::string why,
                           std::string_view extra_headers = {}) {
    return {response(status, reason, extra_headers, why + "\n"), status, false, std::move(why)};
}

}  // namespace

std::string websocket_accept(std::string_view key) {
    const std::string text = std::string{key} + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    unsigned char encoded[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(encoded, digest, SHA_DIGEST_LENGTH);
    return {reinterpret_cast<const char*>(encoded), static_cast<std::size_t>(n)};
}

HttpUpgrade::HttpUpgrade() {
    parser_.header_limit(kMaxHead);
    parser_.body_limit(0);
    parser_.eager(true);
}

bool HttpUpgrade::feed(std::span<const std::uint8_t> bytes) {
    if (parser_.is_done() || broken_) {
        buffered_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        return true;
    }
    buffered_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    boost::system::error_code ec;
    // Beast consumes whole lines only; what it leaves stays buffered for the next bytes.
    const std::size_t used =
        parser_.put(boost::asio::buffer(buffered_.data(), buffered_.size()), ec);
    buffered_.erase(0, used);
    if (ec == http::error::need_more) {
        return false;
    }
    if (ec) {
        broken_ = true;
    }
    return true;
}

std::span<const std::uint8_t> HttpUpgrade::leftover() const noexcept {
    return {reinterpret_cast<const std::uint8_t*>(buffered_.data()), buffered_.size()};
}

HttpUpgrade::Answer HttpUpgrade::answer(const WsContext& context) {
    if (broken_ || !parser_.is_header_done()) {
        return refuse(400, "Bad Request", "not an HTTP/1.1 request");
    }
    const auto& request = parser_.get();
    const std::string target{request.target()};
    const std::string path = target.substr(0, target.find('?'));
    if (path == context.path) {
        if (!boost::beast::websocket::is_upgrade(request)) {
            return refuse(426, "Upgrade Required", "this path speaks WebSocket only",
                          "Upgrade: websocket\r\n");
        }
        const auto origin = request.find(http::field::origin);
        if (origin != request.end() && !context.origin_allowed(std::string{origin->value()})) {
            return refuse(403, "Forbidden",
                          "origin '" + std::string{origin->value()} + "' is not allowed");
        }
        if (origin == request.end() && !context.allowed_origins.empty()) {
            return refuse(403, "Forbidden", "no Origin, and only listed origins are allowed");
        }
        const auto key = request.find(http::field::sec_websocket_key);
        const auto version = request.find(http::field::sec_websocket_version);
        if (key == request.end() || key->value().empty()) {
            return refuse(400, "Bad Request", "no Sec-WebSocket-Key");
        }
        if (version == request.end() || version->value() != "13") {
            return refuse(426, "Upgrade Required", "only WebSocket version 13 is spoken",
                          "Sec-WebSocket-Version: 13\r\n");
        }
        Answer upgraded;
        upgraded.status = 101;
        upgraded.upgraded = true;
        upgraded.response =
            response(101, "Switching Protocols",
                     "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
                         websocket_accept(key->value()) + "\r\n");
        return upgraded;
    }
    if (!context.static_files) {
        return refuse(404, "Not Found", "nothing here; WebSocket clients use " + context.path);
    }
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
        return refuse(405, "Method Not Allowed", "only GET", "Allow: GET, HEAD\r\n");
    }
    auto file = context.static_files->find(target);
    if (!file) {
        return refuse(404, "Not Found", "no such file");
    }
    Answer served;
    served.status = 200;
    served.response =
        response(200, "OK", "Cache-Control: no-cache\r\n", file->body, file->content_type);
    if (request.method() == http::verb::head) {
        served.response.resize(served.response.size() - file->body.size());
    }
    return served;
}

}  // namespace parley::net
