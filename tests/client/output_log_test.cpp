#include "output_log.hpp"

#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace parley::cli {
namespace {

using std::chrono::milliseconds;

TEST(OutputLog, PrintsEachLine) {
    std::ostringstream out;
    OutputLog log(out);
    log.print("a one");
    log.print("");
    log.print("b two\nc three");
    EXPECT_EQ(out.str(), "a one\nb two\nc three\n");
}

TEST(OutputLog, WaitFindsALinePrintedBeforeAndConsumesThroughIt) {
    std::ostringstream out;
    OutputLog log(out);
    log.print("ack id=1 server_id=10");
    log.print("ack id=2 server_id=11");
    EXPECT_TRUE(log.wait_for("ack", milliseconds{0}));
    EXPECT_TRUE(log.wait_for("ack id=2", milliseconds{0})) << "the second ack is still unseen";
    EXPECT_FALSE(log.wait_for("ack", milliseconds{20})) << "both acks are consumed";
}

TEST(OutputLog, WaitWakesWhenTheLineArrives) {
    std::ostringstream out;
    OutputLog log(out);
    std::thread printer([&log] {
        std::this_thread::sleep_for(milliseconds{30});
        log.print("connected node=x endpoint=h:1 user=1");
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(log.wait_for("connected", milliseconds{5000}));
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds{4000});
    printer.join();
}

TEST(OutputLog, WaitTimesOutOnOtherLines) {
    std::ostringstream out;
    OutputLog log(out);
    log.print("msg from=1 to=2 id=1 text=ack");
    EXPECT_FALSE(log.wait_for("ack", milliseconds{20})) << "prefixes match line starts only";
}

TEST(OutputLog, CloseEndsWaitsAndSleepsAtOnce) {
    std::ostringstream out;
    OutputLog log(out);
    log.print("stopped login_refused=yes reason=x");
    log.close();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(log.wait_for("ack", milliseconds{5000}));
    log.sleep_for(milliseconds{5000});
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds{1000});
    EXPECT_TRUE(log.wait_for("stopped", milliseconds{5000})) << "lines already there still count";
}

}  // namespace
}  // namespace parley::cli
