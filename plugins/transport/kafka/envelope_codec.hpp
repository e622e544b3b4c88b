#pragma once
// How an Envelope or a group message travels as a Kafka record (docs/plugins/transport-kafka.md,
// "Record format"):
//
//   key     the recipient's user id (node routes) or the group id (group route), in decimal,
//           so one recipient's records share a partition and keep their order
//   header  "parley-envelope", 23 bytes, big-endian:
//           [version = 2 :1][kind :1][hops :1][recipient or group :4][session epoch :8]
//           [ref id :8]
//           kind: 1 deliver, 2 kick, 3 group message, 0x80-0xff a plugin's envelope kind;
//           version 1 headers (15 bytes, no ref id) are still read, with ref id 0
//   value   the frame's wire bytes exactly as a client sends them; empty for a kick
//
// The value is the Frame's own buffer, so publishing copies no frame bytes; consuming copies
// them once, into a new Frame.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include <parley/frame.hpp>
#include <parley/transport.hpp>
#include <parley/types.hpp>

namespace parley::plugins::kafka {

inline constexpr const char* kEnvelopeHeaderName = "parley-envelope";
inline constexpr std::uint8_t kEnvelopeVersion = 2;
inline constexpr std::size_t kEnvelopeHeaderSize = 23;
/// What version 1, without the ref id, wrote.
inline constexpr std::size_t kEnvelopeHeaderSizeV1 = 15;

/// The envelope's kind, or `group` for the group route. Any other value is a plugin's envelope
/// kind (0x80-0xff), carried through unchanged.
enum class RecordKind : std::uint8_t {
    deliver = 1,
    kick = 2,
    group = 3,
    group_copy = 4,  ///< Envelope::Kind::group: a group message for one node's members
};

using EnvelopeHeader = std::array<std::uint8_t, kEnvelopeHeaderSize>;

/// One record's metadata and value, ready for the producer.
struct EncodedRecord {
    std::string key;
    EnvelopeHeader header{};
    Frame frame;  ///< the value; empty for a kick
};

EncodedRecord encode_envelope(Envelope envelope);
/// What `record` puts on the wire: key, envelope header and value.
inline std::size_t record_bytes(const EncodedRecord& record) {
    return record.key.size() + record.header.size() + record.frame.bytes().size();
}
EncodedRecord encode_group_message(GroupId group, Frame frame);

/// A record read back.
struct DecodedRecord {
    RecordKind kind = RecordKind::deliver;
    std::uint32_t recipient = 0;  ///< the group id for RecordKind::group
    std::uint64_t session_epoch = 0;
    std::uint8_t hops = 0;
    std::uint64_t ref_id = 0;
    Frame frame;

    /// The node-route form; for every kind but group.
    Envelope to_envelope() &&;
};

/// Decodes a record from its "parley-envelope" header (nothing when the record has none) and
/// its value. Returns why the record is malformed instead when it is.
std::variant<DecodedRecord, std::string> decode_record(
    std::optional<std::span<const std::uint8_t>> header, std::span<const std::uint8_t> value);

}  // namespace parley::plugins::kafka
