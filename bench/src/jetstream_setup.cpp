#include "jetstream_setup.hpp"

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "jetstream_api.hpp"

namespace parley::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kAnswerTimeout = std::chrono::seconds(10);
constexpr std::string_view kReply = "r.setup";

}  // namespace

void create_jetstream_stream(const Endpoint& server) {
    asio::io_context io;
    tcp::socket socket(io);
    tcp::resolver resolver(io);
    asio::connect(socket, resolver.resolve(server.host, std::to_string(server.port)));

    const auto config = jetstream::stream_config();
    std::string request =
        "CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"parley-bench-setup\"}\r\n";
    request += "SUB " + std::string{kReply} + " 1\r\n";
    request += "PUB " + std::string{jetstream::kStreamCreate} + " " + std::string{kReply} + " " +
               std::to_string(config.size()) + "\r\n" + config + "\r\n";
    asio::write(socket, asio::buffer(request));

    // Lines until the MSG on the reply subject, then its payload; INFO, PING and +OK pass by.
    std::string answer;
    bool answered = false;
    asio::streambuf input;
    std::function<void()> read_line;
    read_line = [&] {
        asio::async_read_until(
            socket, input, "\r\n", [&](boost::system::error_code error, std::size_t bytes) {
                if (error) {
                    answer = "connection: " + error.message();
                    return;
                }
                std::string line(asio::buffers_begin(input.data()),
                                 asio::buffers_begin(input.data()) + static_cast<long>(bytes) - 2);
                input.consume(bytes);
                if (line == "PING") {
                    asio::write(socket, asio::buffer(std::string_view{"PONG\r\n"}));
                } else if (line.starts_with("MSG ")) {
                    answered = true;  // the payload is the next line: one-line JSON
                } else if (answered || line.starts_with("-ERR")) {
                    answer = line;
                    return;
                }
                read_line();
            });
    };
    read_line();
    io.run_for(kAnswerTimeout);
    if (answer.empty()) {
        throw std::runtime_error(
            "nats-server did not answer the JetStream stream creation (is "
            "JetStream enabled?)");
    }
    // A stream left by an earlier run with the same configuration is fine.
    if (jetstream::is_error(answer) && answer.find("already in use") == std::string::npos) {
        throw std::runtime_error("JetStream refused the stream: " + answer);
    }
    if (!answered) {
        throw std::runtime_error("JetStream stream creation: " + answer);
    }
}

}  // namespace parley::bench
