#include <limits>
#include <optional>

#include <parley/wire_ids.hpp>

namespace parley {
namespace {

constexpr std::uint64_t kMax32 = std::numeric_limits<std::uint32_t>::max();

enum WireType : std::uint32_t { varint = 0, fixed64 = 1, delimited = 2, fixed32 = 5 };

/// Reads a varint from the front of `in`, advancing it; nothing when it is cut short.
std::optional<std::uint64_t> read_varint(std::span<const std::uint8_t>& in) noexcept {
    std::uint64_t value = 0;
    for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const std::uint8_t byte = in.front();
        in = in.subspan(1);
        value |= std::uint64_t{byte & 0x7FU} << shift;
        if ((byte & 0x80U) == 0) {
            return value;
        }
    }
    return std::nullopt;
}

const IdField* find(std::span<const IdField> fields, std::uint64_t number) noexcept {
    for (const IdField& field : fields) {
        if (field.number == number) {
            return &field;
        }
    }
    return nullptr;
}

bool packed_fit(std::span<const std::uint8_t> in) noexcept {
    while (!in.empty()) {
        const auto value = read_varint(in);
        if (value && *value > kMax32) {
            return false;
        }
        if (!value) {
            return true;
        }
    }
    return true;
}

}  // namespace

bool id_fields_fit(std::span<const std::uint8_t> body, std::span<const IdField> fields) noexcept {
    std::span<const std::uint8_t> in = body;
    while (!in.empty()) {
        const auto tag = read_varint(in);
        if (!tag) {
            return true;
        }
        const IdField* field = find(fields, *tag >> 3);
        switch (static_cast<std::uint32_t>(*tag & 7U)) {
            case varint: {
                const auto value = read_varint(in);
                if (!value) {
                    return true;
                }
                if (field != nullptr && field->inside.empty() && *value > kMax32) {
                    return false;
                }
                break;
            }
            case fixed64:
                if (in.size() < 8) {
                    return true;
                }
                in = in.subspan(8);
                break;
            case delimited: {
                const auto length = read_varint(in);
                if (!length || *length > in.size()) {
                    return true;
                }
                const auto content = in.first(static_cast<std::size_t>(*length));
                in = in.subspan(content.size());
                if (field == nullptr) {
                    break;
                }
                if (field->inside.empty() ? !packed_fit(content)
                                          : !id_fields_fit(content, field->inside)) {
                    return false;
                }
                break;
            }
            case fixed32:
                if (in.size() < 4) {
                    return true;
                }
                in = in.subspan(4);
                break;
            default:
                return true;  // groups or garbage: the parser decides
        }
    }
    return true;
}

}  // namespace parley
