#include "message_body.hpp"

#include <charconv>

namespace parley::tools {
namespace {

constexpr std::string_view kFrom = "fault-load from=";
constexpr std::string_view kId = " id=";

}  // namespace

std::string make_body(BodyId id) {
    return std::string{kFrom} + std::to_string(id.from) + std::string{kId} + std::to_string(id.id);
}

std::optional<BodyId> parse_body(std::string_view body) {
    if (!body.starts_with(kFrom)) {
        return std::nullopt;
    }
    body.remove_prefix(kFrom.size());
    BodyId out;
    const auto* end = body.data() + body.size();
    auto [ptr, ec] = std::from_chars(body.data(), end, out.from);
    const std::string_view rest{ptr, static_cast<std::size_t>(end - ptr)};
    if (ec != std::errc{} || !rest.starts_with(kId)) {
        return std::nullopt;
    }
    const char* id_begin = rest.data() + kId.size();
    auto [id_end, id_ec] = std::from_chars(id_begin, end, out.id);
    if (id_ec != std::errc{} || id_end != end) {
        return std::nullopt;
    }
    return out;
}

}  // namespace parley::tools
