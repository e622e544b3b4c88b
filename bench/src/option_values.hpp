#pragma once
// Values of the bench programs' command-line options, read one way by all of them.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace parley::bench {

/// A decimal unsigned number, the whole text; std::invalid_argument otherwise.
std::uint64_t parse_number(std::string_view text);
/// "250ms", "0.5s", "2m", or a bare number of milliseconds; std::invalid_argument otherwise.
std::chrono::milliseconds parse_duration(std::string_view text);

}  // namespace parley::bench
