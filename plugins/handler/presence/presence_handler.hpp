#pragma once

#include <cstdint>

#include <parley/handler.hpp>

namespace parley::plugins::handlers {

/// Answers a presence request (frame type 0x07) with one page of online users from the Store.
/// A request for 0 users gets `page_size`; more than `max_page_size` gets `max_page_size`.
class PresenceHandler final : public Handler {
  public:
    /// Requires 1 <= page_size <= max_page_size.
    PresenceHandler(std::uint32_t page_size, std::uint32_t max_page_size);

    asio::awaitable<void> handle(RequestContext& ctx, const Frame& frame) override;

  private:
    const std::uint32_t page_size_;
    const std::uint32_t max_page_size_;
};

}  // namespace parley::plugins::handlers
