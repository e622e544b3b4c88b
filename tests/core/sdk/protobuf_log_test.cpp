// route_protobuf_log_to_spdlog: protobuf's complaints about a body go to spdlog, limited in
// rate, and never to stderr.
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <parley.pb.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <parley/protobuf_log.hpp>

namespace parley {
namespace {

using namespace std::chrono_literals;

class CapturedLog {
  public:
    CapturedLog() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        sink->set_pattern("%l %v");
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("captured", sink));
    }
    ~CapturedLog() { spdlog::set_default_logger(previous_); }
    CapturedLog(const CapturedLog&) = delete;
    CapturedLog& operator=(const CapturedLog&) = delete;
    std::string text() const { return out_.str(); }

  private:
    std::shared_ptr<spdlog::logger> previous_;
    std::ostringstream out_;
};

std::size_t count(const std::string& text, const std::string& word) {
    std::size_t n = 0;
    for (auto at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
        ++n;
    }
    return n;
}

// A Handshake whose token (field 2) is not UTF-8: protobuf refuses it and says why.
bool parse_bad_handshake() {
    const std::string body{"\x08\x01\x12\x02\xff\xfe", 6};
    wire::Handshake handshake;
    return handshake.ParseFromString(body);
}

TEST(ProtobufLogTest, BadUtf8IsLoggedThroughSpdlogAtWarnAndRateLimited) {
    route_protobuf_log_to_spdlog();
    route_protobuf_log_to_spdlog();  // a second call changes nothing
    CapturedLog log;
    ::testing::internal::CaptureStderr();
    std::this_thread::sleep_for(1100ms);  // a fresh window, whatever ran before
    const int burst = static_cast<int>(kProtobufLogLinesPerSecond) + 15;
    for (int i = 0; i < burst; ++i) {
        EXPECT_FALSE(parse_bad_handshake());
    }
    const std::string first = log.text();
    EXPECT_EQ(count(first, "warning protobuf: String field contains invalid UTF-8 data"),
              kProtobufLogLinesPerSecond)
        << first;
    EXPECT_EQ(count(first, "suppressed"), 0U) << first;

    std::this_thread::sleep_for(1100ms);
    EXPECT_FALSE(parse_bad_handshake());
    const std::string second = log.text().substr(first.size());
    EXPECT_NE(second.find("warning protobuf: 15 more log lines suppressed (at most 10 a second)"),
              std::string::npos)
        << second;
    EXPECT_EQ(count(second, "invalid UTF-8"), 1U) << second;
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "nothing of protobuf's on stderr";
}

}  // namespace
}  // namespace parley
