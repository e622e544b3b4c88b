#pragma once

#include <cstdint>

namespace parley {

/// A user's id, as carried in a frame's sender and receiver fields. 0 means "nobody".
using UserId = std::uint32_t;
/// A group's id, carried in the receiver field of group frames.
using GroupId = std::uint32_t;

inline constexpr UserId kNoUser = 0;

/// Bumped whenever an SDK interface changes in a way that breaks plugins built against an older
/// SDK. The host refuses a plugin that reports another version.
inline constexpr std::uint32_t kPluginApiVersion = 8;

}  // namespace parley
