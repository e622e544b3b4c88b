#pragma once

#include <parley/types.hpp>

namespace parley::plugins::memory {

/// One membership change, as the groups file records it and the in-memory map applies it.
struct GroupChange {
    enum class Kind { join, leave };
    Kind kind = Kind::join;
    GroupId group = 0;
    UserId user = 0;
};

}  // namespace parley::plugins::memory
