#pragma once
// The JetStream requests the benchmark makes, as the JSON bodies nats-server 2.9 takes on its
// $JS.API subjects: one file-backed stream holding every inbox (u.>) and group (g.>) subject,
// and per subscriber an ephemeral push consumer delivering one subject to the subscriber's own
// deliver subject. Pure text: no I/O here.

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::bench::jetstream {

inline constexpr std::string_view kStream = "PARLEY_BENCH";
inline constexpr std::string_view kStreamCreate = "$JS.API.STREAM.CREATE.PARLEY_BENCH";
inline constexpr std::string_view kConsumerCreate = "$JS.API.CONSUMER.CREATE.PARLEY_BENCH";

/// StreamConfig: file storage, limits retention, no limits, one replica.
std::string stream_config();

/// CreateConsumerRequest: push to `deliver_subject` every new message on `filter_subject`,
/// without acknowledgements from the subscriber (as Parley's pushes need none).
std::string consumer_config(std::string_view deliver_subject, std::string_view filter_subject);

/// True when a JetStream API reply or PubAck reports an error.
inline bool is_error(std::string_view reply) {
    return reply.find("\"error\"") != std::string_view::npos;
}

}  // namespace parley::bench::jetstream
