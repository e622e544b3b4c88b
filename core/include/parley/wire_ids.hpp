#pragma once
// Protobuf parsing narrows a varint to a uint32 field without a word: 2^32 + 42 reads as 42. For
// a field holding a user or group id, that lets one id pass for another. These helpers walk a
// body's encoding and tell whether the varints of the fields named hold 32-bit values, so a
// handler can refuse such a body (BAD_BODY) instead of acting on a truncated id.

#include <cstdint>
#include <span>

namespace parley {

/// A field of a message that holds a 32-bit id, or a message field whose ids are named inside.
struct IdField {
    std::uint32_t number = 0;
    /// Empty: the field is a uint32 id (repeated or packed too). Otherwise the field is a
    /// message (repeated or not), and these are its id fields.
    std::span<const IdField> inside{};
};

/// True when every value of the `fields` in `body` fits 32 bits. A body that is not valid
/// protobuf is not judged here (true): parsing it refuses it.
bool id_fields_fit(std::span<const std::uint8_t> body, std::span<const IdField> fields) noexcept;

}  // namespace parley
