#include "mock_cluster.hpp"

#include <algorithm>
#include <stdexcept>

namespace parley::tools {

MockCluster::MockCluster(int brokers) : brokers_(brokers) {
    char error[512] = "";
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // Warnings and worse only: the host's notice that it has no bootstrap servers is noise.
    rd_kafka_conf_set(conf, "log_level", "4", error, sizeof(error));
    // The host handle never talks to anyone; it only owns the mock cluster's threads.
    host_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error));
    if (host_ == nullptr) {
        rd_kafka_conf_destroy(conf);
        throw std::runtime_error(std::string{"cannot create the librdkafka handle: "} + error);
    }
    cluster_ = rd_kafka_mock_cluster_new(host_, brokers);
    if (cluster_ == nullptr) {
        rd_kafka_destroy(host_);
        throw std::runtime_error("librdkafka could not start the mock cluster");
    }
}

MockCluster::~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(host_);
}

std::string MockCluster::bootstrap() const {
    return rd_kafka_mock_cluster_bootstraps(cluster_);
}

void MockCluster::create_topic(const std::string& name, int partitions) {
    const int replicas = std::min(3, brokers_);
    const rd_kafka_resp_err_t err =
        rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replicas);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        throw std::runtime_error("cannot create topic '" + name + "': " + rd_kafka_err2str(err));
    }
}

rd_kafka_resp_err_t MockCluster::set_broker_up(int broker_id, bool up) {
    return up ? rd_kafka_mock_broker_set_up(cluster_, broker_id)
              : rd_kafka_mock_broker_set_down(cluster_, broker_id);
}

}  // namespace parley::tools
