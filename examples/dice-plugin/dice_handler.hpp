#pragma once
// Rolls dice for frame type 0x80: the request body is ASCII "<count>d[<sides>]" ("3d6", "2d"),
// the reply a 0x80 frame to the same user with "3d6: 4 1 6 = 11".

#include <cstdint>
#include <string>
#include <string_view>

#include <parley/frame.hpp>
#include <parley/handler.hpp>

#include "dice_settings.hpp"

namespace dice {

inline constexpr parley::FrameType kDiceFrameType{0x80};

/// Stateless apart from its settings, so one instance serves every loop at once; the random
/// engine is per thread.
class DiceHandler final : public parley::Handler {
  public:
    explicit DiceHandler(DiceSettings settings) : settings_(settings) {}

    parley::asio::awaitable<void> handle(parley::RequestContext& ctx,
                                         const parley::Frame& frame) override;

    /// Rolls `request` and returns the reply text; throws parley::Error(bad_body) when the
    /// request is malformed or out of range. Public so it can be tested without a session.
    std::string roll(std::string_view request) const;

  private:
    DiceSettings settings_;
};

}  // namespace dice
