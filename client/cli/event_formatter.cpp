#include "event_formatter.hpp"

#include "friendly_formatter.hpp"
#include "script_formatter.hpp"

namespace parley::cli {

EventFormatter::~EventFormatter() = default;

std::unique_ptr<EventFormatter> make_event_formatter(bool script) {
    if (script) {
        return std::make_unique<ScriptFormatter>();
    }
    return std::make_unique<FriendlyFormatter>();
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const std::uint8_t byte : bytes) {
        hex += kDigits[byte >> 4];
        hex += kDigits[byte & 0x0f];
    }
    return hex;
}

}  // namespace parley::cli
