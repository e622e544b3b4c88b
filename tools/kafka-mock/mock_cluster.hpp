#pragma once
// librdkafka's mock cluster and the client handle that hosts it.

#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace parley::tools {

/// Starts `brokers` mock brokers on 127.0.0.1 (ids 1..brokers) in librdkafka's threads; they
/// serve until the object is destroyed. Throws std::runtime_error when they cannot start.
class MockCluster {
  public:
    explicit MockCluster(int brokers);
    ~MockCluster();
    MockCluster(const MockCluster&) = delete;
    MockCluster& operator=(const MockCluster&) = delete;

    int brokers() const noexcept { return brokers_; }
    /// "127.0.0.1:port,..." in broker id order.
    std::string bootstrap() const;
    /// Throws std::runtime_error with librdkafka's reason.
    void create_topic(const std::string& name, int partitions);
    /// `broker_id` -1 means every broker. Returns librdkafka's error, RD_KAFKA_RESP_ERR_NO_ERROR
    /// on success.
    rd_kafka_resp_err_t set_broker_up(int broker_id, bool up);

  private:
    int brokers_;
    rd_kafka_t* host_ = nullptr;
    rd_kafka_mock_cluster_t* cluster_ = nullptr;
};

}  // namespace parley::tools
