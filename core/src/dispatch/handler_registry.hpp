#pragma once

#include <array>
#include <memory>
#include <string>

#include <parley/frame.hpp>
#include <parley/handler.hpp>

namespace parley::dispatch {

/// Frame type -> handler: a table, filled by handler plugins on the main thread at start-up and
/// read without locks by every loop afterwards. The core never switches on a frame type.
class HandlerRegistry {
  public:
    /// Throws std::invalid_argument naming both plugins when `type` is already taken.
    void add(FrameType type, std::shared_ptr<Handler> handler, const std::string& owner);

    /// nullptr when nothing handles `type`.
    Handler* find(std::uint8_t type) const noexcept { return slots_[type].handler.get(); }
    const std::string& owner(std::uint8_t type) const noexcept { return slots_[type].owner; }
    std::size_t size() const noexcept;

  private:
    struct Slot {
        std::shared_ptr<Handler> handler;
        std::string owner;
    };
    std::array<Slot, 256> slots_;
};

}  // namespace parley::dispatch
