#include "dispatch/handler_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace parley::dispatch {

void HandlerRegistry::add(FrameType type, std::shared_ptr<Handler> handler,
                          const std::string& owner) {
    auto& slot = slots_[static_cast<std::uint8_t>(type)];
    if (slot.handler) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(type));
        throw std::invalid_argument("frame type " + std::string{hex} + " is claimed by both " +
                                    slot.owner + " and " + owner +
                                    "; remove one of them from `handlers`");
    }
    slot.handler = std::move(handler);
    slot.owner = owner;
}

std::size_t HandlerRegistry::size() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.handler; }));
}

}  // namespace parley::dispatch
