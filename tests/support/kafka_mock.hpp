#pragma once
// The Kafka mock (parley-kafka-mock, librdkafka's mock cluster) as a child process of a test:
// started with its own ready file, driven through its stdin, stopped by its own pid.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

#include "support/temp_dir.hpp"

namespace parley::test {

struct KafkaMockOptions {
    int brokers = 3;
    /// "NAME:PARTITIONS", created before the mock reports ready.
    std::vector<std::string> topics;
    std::chrono::milliseconds ready_timeout{10000};
};

/// Starts parley-kafka-mock with a ready file and a FIFO as its stdin, and waits until it is
/// ready; the constructor throws with the tool's output when it exits or is not ready in time.
/// The tool also exits when the test process does (--exit-with-parent), so a crashed test
/// leaves nothing behind. The destructor stops it (SIGTERM, SIGKILL after 5 s), only this pid,
/// and prints its output when the current test has failed. Use from the test's thread.
class KafkaMock {
  public:
    explicit KafkaMock(const KafkaMockOptions& options = {});
    ~KafkaMock();
    KafkaMock(const KafkaMock&) = delete;
    KafkaMock& operator=(const KafkaMock&) = delete;

    /// "127.0.0.1:port,..." for bootstrap.servers.
    const std::string& bootstrap() const noexcept { return bootstrap_; }
    int brokers() const noexcept { return brokers_; }
    pid_t pid() const noexcept { return pid_; }

    /// The broker (1..brokers(), or -1 for all) drops its connections and refuses new ones until
    /// broker_up. Returns once the tool has done it; throws when it refuses.
    void broker_down(int id);
    void broker_up(int id);

    /// SIGTERM, SIGKILL after `grace`; reaps. The destructor does this too.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    bool running() const noexcept { return running_; }

    std::string log_text() const;

    /// $PARLEY_BUILD_DIR/bin/parley-kafka-mock; throws when the variable is not set.
    static std::filesystem::path default_binary();

  private:
    void wait_ready(std::chrono::milliseconds timeout);
    void command(const std::string& line);

    TempDir dir_{"kafka-mock"};
    std::filesystem::path ready_file_;
    std::filesystem::path control_;
    std::filesystem::path log_;
    int brokers_;
    int control_fd_ = -1;
    pid_t pid_ = -1;
    bool running_ = false;
    int answers_expected_ = 0;
    std::string bootstrap_;
};

/// The bootstrap list of a Kafka every test may use: $PARLEY_TEST_KAFKA when the test command
/// started one for the whole run, otherwise a KafkaMock started once for this test process.
/// Tests sharing it isolate themselves with their own topic and consumer group names.
const std::string& shared_kafka();

}  // namespace parley::test
