#pragma once
// The content of every benchmark message: a fixed-size ASCII stamp (send time, sender, target,
// sequence number) padded to the payload size. ASCII because Parley carries it in a protobuf
// string field, which must be valid UTF-8; hex because it is fixed width and cheap to read.

#include <cstdint>
#include <optional>
#include <string_view>

namespace parley::bench {

struct Stamp {
    std::uint64_t sent_ns = 0;  ///< steady clock, the generator's own
    std::uint32_t sender = 0;   ///< user index within the run
    std::uint32_t target = 0;   ///< recipient user index, or group index
    std::uint64_t seq = 0;      ///< per sender, from 0
};

/// 16 + 8 + 8 + 16 hex digits.
inline constexpr std::size_t kStampSize = 48;

/// Writes the stamp and pads with '.' up to `size` (at least kStampSize) bytes at `out`.
void write_payload(char* out, std::size_t size, const Stamp& stamp);

/// Reads the stamp at the start of `payload`; nothing when it is not one.
std::optional<Stamp> read_stamp(std::string_view payload);

}  // namespace parley::bench
