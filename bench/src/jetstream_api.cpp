#include "jetstream_api.hpp"

namespace parley::bench::jetstream {

std::string stream_config() {
    return std::string{"{\"name\":\""} + std::string{kStream} +
           "\",\"subjects\":[\"u.>\",\"g.>\"],\"storage\":\"file\",\"retention\":\"limits\","
           "\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,\"discard\":\"old\","
           "\"num_replicas\":1}";
}

std::string consumer_config(std::string_view deliver_subject, std::string_view filter_subject) {
    std::string json = "{\"stream_name\":\"";
    json += kStream;
    json += "\",\"config\":{\"deliver_subject\":\"";
    json += deliver_subject;
    json += "\",\"filter_subject\":\"";
    json += filter_subject;
    json += "\",\"deliver_policy\":\"new\",\"ack_policy\":\"none\",\"replay_policy\":\"instant\"}}";
    return json;
}

}  // namespace parley::bench::jetstream
