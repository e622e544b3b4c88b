#pragma once
// A blocking HTTP/1.1 client for tests of parleyd's admin listener: it sends exactly the bytes
// it is told to (so tests can send garbage too) and reads the answer until the server closes.
// Every call has a deadline.

#include <chrono>
#include <optional>
#include <string>

namespace parley::test {

struct HttpReply {
    int status = 0;
    std::string head;  ///< status line and headers
    std::string body;
};

/// Connects to "host:port", sends `request` verbatim, reads until the server closes (or
/// `timeout`), and parses what came. Nothing when no status line came back.
std::optional<HttpReply> http_exchange(const std::string& endpoint, const std::string& request,
                                       std::chrono::milliseconds timeout = std::chrono::seconds(5));

/// GET `path` with Connection: close, and `Authorization: Bearer <token>` when a token is given.
std::optional<HttpReply> http_get(const std::string& endpoint, const std::string& path,
                                  const std::string& token = {});

/// The value of the sample `series` (its name and labels exactly as exposed, e.g.
/// `parley_logins_total` or `parley_frames_sent_total{type="ack"}`) in a Prometheus text
/// exposition; nothing when absent.
std::optional<double> metric_value(const std::string& exposition, const std::string& series);

}  // namespace parley::test
