// parley-bench-message-log [seconds-per-case]: durable appends (1, 8 and 64 concurrent
// appenders; 80-byte and 1 KiB frames) and 100-message range reads, through the SQLite message
// log and an equivalent RocksDB log, each in a fresh directory under $TMPDIR. Prints a Markdown
// table: appends/s, p50 and p99 append latency, and range reads/s.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <parley/message_log.hpp>

#include "rocksdb_log.hpp"
#include "sqlite_log.hpp"

namespace {

using parley::Conversation;
using parley::MessageLog;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kConversations = 64;
constexpr std::uint32_t kReadLimit = 100;

struct Result {
    double appends_per_s = 0;
    double p50_ms = 0;
    double p99_ms = 0;
    double reads_per_s = 0;
};

parley::Frame frame_of(std::size_t size) {
    const std::vector<std::uint8_t> body(size - parley::kFrameHeaderSize, 'x');
    return parley::Frame::make(parley::FrameType::group_message, 1, 0, body);
}

double percentile(std::vector<double>& values, double p) {
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}

/// `appenders` coroutines on one loop, each appending to its own conversation until `seconds`
/// passed; then range reads of kReadLimit messages for as long.
Result measure(MessageLog& log, int appenders, std::size_t frame_size, double seconds) {
    Result result;
    std::vector<double> latencies_ms;
    std::uint64_t next_client_id = 1;
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    const auto started = Clock::now();
    parley::asio::io_context io;
    for (int a = 0; a < appenders; ++a) {
        parley::asio::co_spawn(
            io,
            [&, a]() -> parley::asio::awaitable<void> {
                const auto to = Conversation::group(static_cast<std::uint32_t>(a) % kConversations);
                while (Clock::now() < deadline) {
                    const auto sent = Clock::now();
                    co_await log.append(to, 1, next_client_id++, frame_of(frame_size));
                    latencies_ms.push_back(
                        std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
                }
            },
            parley::asio::detached);
    }
    io.run();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    result.appends_per_s = static_cast<double>(latencies_ms.size()) / elapsed;
    result.p50_ms = percentile(latencies_ms, 0.50);
    result.p99_ms = percentile(latencies_ms, 0.99);

    std::uint64_t reads = 0;
    const auto read_started = Clock::now();
    parley::asio::io_context reader;
    parley::asio::co_spawn(
        reader,
        [&]() -> parley::asio::awaitable<void> {
            const auto read_deadline = Clock::now() + std::chrono::duration<double>(seconds);
            while (Clock::now() < read_deadline) {
                const auto from = Conversation::group(
                    static_cast<std::uint32_t>(reads) %
                    std::min<std::uint32_t>(kConversations, static_cast<std::uint32_t>(appenders)));
                co_await log.read(from, 0, kReadLimit);
                ++reads;
            }
        },
        parley::asio::detached);
    reader.run();
    result.reads_per_s = static_cast<double>(reads) /
                         std::chrono::duration<double>(Clock::now() - read_started).count();
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const auto root = std::filesystem::temp_directory_path() / "parley-bench-message-log";
    std::filesystem::remove_all(root);
    std::filesystem::create_directories(root);

    using Factory = std::function<std::unique_ptr<MessageLog>(const std::filesystem::path&)>;
    const std::vector<std::pair<std::string, Factory>> backends{
        {"sqlite",
         [](const std::filesystem::path& dir) -> std::unique_ptr<MessageLog> {
             parley::plugins::message_log_sqlite::SqliteLogSettings settings;
             settings.path = (dir / "log.db").string();
             return std::make_unique<parley::plugins::message_log_sqlite::SqliteLog>(settings);
         }},
        {"rocksdb", [](const std::filesystem::path& dir) -> std::unique_ptr<MessageLog> {
             return std::make_unique<parley::bench::RocksdbLog>((dir / "rocksdb").string());
         }}};

    std::printf("| backend | appenders | frame | appends/s | p50 ms | p99 ms | reads of 100/s |\n");
    std::printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    int run = 0;
    for (const std::size_t frame_size : {std::size_t{80}, std::size_t{1024}}) {
        for (const int appenders : {1, 8, 64}) {
            for (const auto& [name, make] : backends) {
                const auto dir = root / std::to_string(run++);
                std::filesystem::create_directories(dir);
                Result result;
                {
                    auto log = make(dir);
                    result = measure(*log, appenders, frame_size, seconds);
                }
                std::filesystem::remove_all(dir);
                std::printf("| %s | %d | %zu B | %.0f | %.2f | %.2f | %.0f |\n", name.c_str(),
                            appenders, frame_size, result.appends_per_s, result.p50_ms,
                            result.p99_ms, result.reads_per_s);
                std::fflush(stdout);
            }
        }
    }
    std::filesystem::remove_all(root);
    return 0;
}
