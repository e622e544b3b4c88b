// parley-kafka-ceiling against the Kafka mock, briefly: every record must be produced and read
// back exactly once, and the report must say so. Timings vary with the machine, so nothing here
// looks at the rates beyond their being there.
#include <chrono>
#include <string>

#include <boost/json/src.hpp>  // header-only Boost.JSON, compiled into this test alone
#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/daemon_process.hpp"
#include "support/kafka_mock.hpp"
#include "support/temp_dir.hpp"

namespace parley::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::filesystem::path ceiling_binary() {
    return DaemonProcess::default_binary().parent_path() / "parley-kafka-ceiling";
}

TEST(KafkaCeilingSmokeTest, ReadsBackEveryRecordOnceAndReportsTheRates) {
    TempDir dir;
    const auto result_file = dir.file("ceiling.json");
    const ToolRun run = run_tool(ceiling_binary(),
                                 {"--brokers", shared_kafka(), "--records", "3000", "--size", "120",
                                  "--timeout", "60", "--json", result_file.string()},
                                 90s);
    ASSERT_EQ(run.status, 0) << run.output;
    EXPECT_NE(run.output.find("records 3000 of 120 bytes"), std::string::npos) << run.output;
    const json::object result = json::parse(read_file(result_file)).as_object();
    EXPECT_TRUE(result.at("ok").as_bool());
    EXPECT_EQ(result.at("produced").as_int64(), 3000);
    EXPECT_EQ(result.at("consumed").as_int64(), 3000);
    EXPECT_EQ(result.at("lost").as_int64(), 0);
    EXPECT_EQ(result.at("duplicated").as_int64(), 0);
    EXPECT_GT(result.at("produce_per_s").to_number<double>(), 0);
    EXPECT_GT(result.at("end_to_end_per_s").to_number<double>(), 0);
}

TEST(KafkaCeilingSmokeTest, RefusesACommandLineWithoutBrokers) {
    const ToolRun run = run_tool(ceiling_binary(), {"--records", "10"});
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_NE(run.output.find("--brokers is required"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace parley::test
