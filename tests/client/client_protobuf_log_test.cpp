// A program using the client library gets protobuf's log through spdlog, as parleyd does: a
// server's body that is not UTF-8 must not write to the program's stderr.
#include <memory>
#include <sstream>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <parley.pb.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <parley/client/client.hpp>
#include <parley/client/fixed_discovery.hpp>
#include <parley/client/server_picker.hpp>

namespace parley::client {
namespace {

bool parse_bad_ok() {
    // HandshakeOk{user_id: 1, node_id: "\xff"}: a proto3 string must be UTF-8.
    const std::string body{"\x08\x01\x12\x01\xff", 5};
    wire::HandshakeOk ok;
    return ok.ParseFromString(body);
}

TEST(ClientProtobufLogTest, CreatingAClientRoutesProtobufsLogToSpdlog) {
    ::testing::internal::CaptureStderr();
    EXPECT_FALSE(parse_bad_ok());
    EXPECT_NE(::testing::internal::GetCapturedStderr().find("[libprotobuf ERROR"),
              std::string::npos)
        << "before any client, protobuf writes to stderr";

    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    sink->set_pattern("%l %v");
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));

    boost::asio::io_context io;
    ClientOptions options;
    options.user_id = 1;
    const auto client =
        Client::create(io.get_executor(), options,
                       std::make_shared<FixedDiscovery>(std::vector<std::string>{"127.0.0.1:1"}),
                       make_server_picker("round-robin", 1));
    ::testing::internal::CaptureStderr();
    EXPECT_FALSE(parse_bad_ok());
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
    spdlog::set_default_logger(previous);
    EXPECT_NE(out.str().find("warning protobuf: String field contains invalid UTF-8"),
              std::string::npos)
        << out.str();
}

}  // namespace
}  // namespace parley::client
