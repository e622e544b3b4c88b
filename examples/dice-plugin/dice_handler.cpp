#include "dice_handler.hpp"

#include <charconv>
#include <cstddef>
#include <random>
#include <string>
#include <system_error>

#include <parley/error.hpp>
#include <parley/session.hpp>

namespace dice {
namespace {

constexpr std::int64_t kMinSides = 2;
constexpr std::int64_t kMaxSides = 1000;
// Longer than any valid request ("10d1000"); also keeps error messages short.
constexpr std::size_t kMaxRequestSize = 32;

// Handlers run on many loop threads at once: one engine per thread needs no lock.
std::mt19937& engine() {
    thread_local std::mt19937 generator{std::random_device{}()};
    return generator;
}

[[noreturn]] void refuse(std::string_view request, const std::string& why) {
    throw parley::Error(parley::ErrorCode::bad_body,
                        "bad dice request '" + std::string{request} + "': " + why);
}

// Parses a whole decimal number; false on anything else (sign, spaces, overflow, empty).
bool parse_number(std::string_view text, std::int64_t& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return !text.empty() && ec == std::errc{} && ptr == end;
}

}  // namespace

std::string DiceHandler::roll(std::string_view request) const {
    if (request.size() > kMaxRequestSize) {
        refuse(request.substr(0, kMaxRequestSize),
               "longer than " + std::to_string(kMaxRequestSize) + " bytes");
    }
    const auto d = request.find_first_of("dD");
    if (d == std::string_view::npos) {
        refuse(request, "expected <count>d[<sides>], e.g. 3d6");
    }
    std::int64_t count = 0;
    if (!parse_number(request.substr(0, d), count) || count < 1 || count > settings_.max_dice) {
        refuse(request,
               "the count must be a number from 1 to " + std::to_string(settings_.max_dice));
    }
    std::int64_t sides = settings_.default_sides;
    if (const auto text = request.substr(d + 1); !text.empty()) {
        if (!parse_number(text, sides) || sides < kMinSides || sides > kMaxSides) {
            refuse(request, "the sides must be a number from " + std::to_string(kMinSides) +
                                " to " + std::to_string(kMaxSides));
        }
    }

    std::uniform_int_distribution<std::int64_t> die(1, sides);
    std::string reply = std::to_string(count) + "d" + std::to_string(sides) + ":";
    std::int64_t sum = 0;
    for (std::int64_t i = 0; i < count; ++i) {
        const std::int64_t value = die(engine());
        sum += value;
        reply += " " + std::to_string(value);
    }
    return reply + " = " + std::to_string(sum);
}

parley::asio::awaitable<void> DiceHandler::handle(parley::RequestContext& ctx,
                                                  const parley::Frame& frame) {
    const auto body = frame.body();
    const std::string reply = roll({reinterpret_cast<const char*>(body.data()), body.size()});
    // Sender 0: the reply comes from the server. send() only queues, so nothing here blocks.
    ctx.session->send(
        parley::Frame::make(kDiceFrameType, parley::kNoUser, ctx.session->user(),
                            {reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()}));
    co_return;
}

}  // namespace dice
