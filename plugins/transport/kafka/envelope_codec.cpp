#include "envelope_codec.hpp"

#include <cstring>
#include <utility>

namespace parley::plugins::kafka {
namespace {

EnvelopeHeader make_header(RecordKind kind, std::uint8_t hops, std::uint32_t recipient,
                           std::uint64_t epoch, std::uint64_t ref_id) {
    EnvelopeHeader header{};
    header[0] = kEnvelopeVersion;
    header[1] = static_cast<std::uint8_t>(kind);
    header[2] = hops;
    put_u32(header.data() + 3, recipient);
    put_u32(header.data() + 7, static_cast<std::uint32_t>(epoch >> 32));
    put_u32(header.data() + 11, static_cast<std::uint32_t>(epoch));
    put_u32(header.data() + 15, static_cast<std::uint32_t>(ref_id >> 32));
    put_u32(header.data() + 19, static_cast<std::uint32_t>(ref_id));
    return header;
}

/// Why `value` is not exactly one frame, or "".
std::string check_frame(std::span<const std::uint8_t> value) {
    if (value.size() < kFrameHeaderSize) {
        return "the value has " + std::to_string(value.size()) +
               " bytes, fewer than a frame header";
    }
    if (value[0] != kFrameMagic) {
        return "the value does not start with the frame magic 0xAB";
    }
    if (get_u32(value.data() + 1) != value.size() - 1) {
        return "the frame's length field (" + std::to_string(get_u32(value.data() + 1)) +
               ") does not match the value's " + std::to_string(value.size()) + " bytes";
    }
    return {};
}

Frame copy_frame(std::span<const std::uint8_t> value) {
    Frame frame = Frame::allocate(static_cast<std::uint32_t>(value.size() - kFrameHeaderSize));
    std::memcpy(frame.mutable_bytes().data(), value.data(), value.size());
    return frame;
}

}  // namespace

EncodedRecord encode_envelope(Envelope envelope) {
    const auto kind = static_cast<RecordKind>(envelope.kind);
    return EncodedRecord{std::to_string(envelope.recipient),
                         make_header(kind, envelope.hops, envelope.recipient,
                                     envelope.session_epoch, envelope.ref_id),
                         kind == RecordKind::kick ? Frame{} : std::move(envelope.frame)};
}

EncodedRecord encode_group_message(GroupId group, Frame frame) {
    return EncodedRecord{std::to_string(group), make_header(RecordKind::group, 0, group, 0, 0),
                         std::move(frame)};
}

Envelope DecodedRecord::to_envelope() && {
    Envelope envelope;
    envelope.kind = static_cast<Envelope::Kind>(kind);
    envelope.recipient = recipient;
    envelope.session_epoch = session_epoch;
    envelope.frame = std::move(frame);
    envelope.hops = hops;
    envelope.ref_id = ref_id;
    return envelope;
}

std::variant<DecodedRecord, std::string> decode_record(
    std::optional<std::span<const std::uint8_t>> header, std::span<const std::uint8_t> value) {
    if (!header) {
        return std::string{"no '"} + kEnvelopeHeaderName + "' header";
    }
    const std::uint8_t version = header->empty() ? 0 : (*header)[0];
    if (version != 1 && version != kEnvelopeVersion) {
        return std::string{"unsupported envelope version "} +
               (header->empty() ? std::string{"(empty header)"} : std::to_string(version));
    }
    const std::size_t expected = version == 1 ? kEnvelopeHeaderSizeV1 : kEnvelopeHeaderSize;
    if (header->size() != expected) {
        return "the version " + std::to_string(version) + " envelope header has " +
               std::to_string(header->size()) + " bytes, not " + std::to_string(expected);
    }
    const std::uint8_t* h = header->data();
    DecodedRecord record;
    record.hops = h[2];
    record.recipient = get_u32(h + 3);
    record.session_epoch = (std::uint64_t{get_u32(h + 7)} << 32) | get_u32(h + 11);
    if (version >= 2) {
        record.ref_id = (std::uint64_t{get_u32(h + 15)} << 32) | get_u32(h + 19);
    }
    record.kind = RecordKind{h[1]};
    if (record.kind == RecordKind::kick) {
        if (!value.empty()) {
            return std::string{"a kick record carries a value"};
        }
        return record;
    }
    if (h[1] == 0 || (h[1] > static_cast<std::uint8_t>(RecordKind::group_copy) &&
                      h[1] < Envelope::kFirstPluginKind)) {
        return "unknown record kind " + std::to_string(h[1]);
    }
    // deliver, group, group copy and plugin kinds carry one frame.
    if (std::string problem = check_frame(value); !problem.empty()) {
        return problem;
    }
    record.frame = copy_frame(value);
    return record;
}

}  // namespace parley::plugins::kafka
