// log_failure: a background task's failure is logged once, with what was being done.

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <parley/asio.hpp>
#include <parley/log_failure.hpp>

namespace parley {
namespace {

/// Sends spdlog's default logger to a string for the test's lifetime.
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

TEST(LogFailureTest, LogsTheExceptionWithWhatWasBeingDone) {
    CapturedLog log;
    log_failure("refreshing records", std::make_exception_ptr(std::runtime_error("gone")));
    EXPECT_EQ(log.text(), "warning refreshing records: gone\n");
}

TEST(LogFailureTest, NoFailureLogsNothing) {
    CapturedLog log;
    log_failure("refreshing records", nullptr);
    EXPECT_EQ(log.text(), "");
}

TEST(LogFailureTest, ACoSpawnedTaskThatThrowsIsLoggedAndTheLoopCarriesOn) {
    CapturedLog log;
    asio::io_context io;
    auto failing = []() -> asio::awaitable<void> {
        throw std::runtime_error("boom");
        co_return;
    };
    asio::co_spawn(io, failing(), logging_failure("a background task"));
    EXPECT_NO_THROW(io.run());
    EXPECT_EQ(log.text(), "warning a background task: boom\n");
}

}  // namespace
}  // namespace parley
