#pragma once
// What parley-fault-load writes in a chat message, so that a message names its author and id
// whatever the frame around it says: "fault-load from=<user> id=<client_msg_id>".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::tools {

struct BodyId {
    std::uint32_t from = 0;
    std::uint64_t id = 0;
};

std::string make_body(BodyId id);
/// nullopt for a body parley-fault-load did not write.
std::optional<BodyId> parse_body(std::string_view body);

}  // namespace parley::tools
