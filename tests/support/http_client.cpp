#include "support/http_client.hpp"

#include <sstream>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace parley::test {
namespace asio = boost::asio;
using asio::ip::tcp;

std::optional<HttpReply> http_exchange(const std::string& endpoint, const std::string& request,
                                       std::chrono::milliseconds timeout) {
    asio::io_context io;
    tcp::socket socket(io);
    std::string received;
    const auto colon = endpoint.rfind(':');
    tcp::resolver resolver(io);
    asio::async_connect(
        socket, resolver.resolve(endpoint.substr(0, colon), endpoint.substr(colon + 1)),
        [&](const boost::system::error_code& ec, const tcp::endpoint&) {
            if (ec) {
                return;
            }
            asio::async_write(socket, asio::buffer(request),
                              [&](const boost::system::error_code& write_ec, std::size_t) {
                                  if (write_ec) {
                                      return;
                                  }
                                  asio::async_read(
                                      socket, asio::dynamic_buffer(received),
                                      [](const boost::system::error_code&, std::size_t) {});
                              });
        });
    io.run_for(timeout);
    const auto head_end = received.find("\r\n\r\n");
    if (!received.starts_with("HTTP/1.1 ") || head_end == std::string::npos) {
        return std::nullopt;
    }
    HttpReply reply;
    reply.status = std::stoi(received.substr(9, 3));
    reply.head = received.substr(0, head_end);
    reply.body = received.substr(head_end + 4);
    return reply;
}

std::optional<HttpReply> http_get(const std::string& endpoint, const std::string& path,
                                  const std::string& token) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n";
    if (!token.empty()) {
        request += "Authorization: Bearer " + token + "\r\n";
    }
    request += "\r\n";
    return http_exchange(endpoint, request);
}

std::optional<double> metric_value(const std::string& exposition, const std::string& series) {
    std::istringstream lines(exposition);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return std::nullopt;
}

}  // namespace parley::test
