#include "presence_handler.hpp"

#include <algorithm>

#include <parley.pb.h>

#include <parley/store.hpp>

#include "common/request.hpp"

namespace parley::plugins::handlers {

PresenceHandler::PresenceHandler(std::uint32_t page_size, std::uint32_t max_page_size)
    : page_size_(page_size), max_page_size_(max_page_size) {}

asio::awaitable<void> PresenceHandler::handle(RequestContext& ctx, const Frame& frame) {
    // An empty body parses as a request with every field 0: the first page, default size.
    const auto request =
        parse_request<wire::PresenceRequest>(ctx, frame, "presence request", "PresenceRequest");
    const std::uint32_t limit =
        request.limit() == 0 ? page_size_ : std::min(request.limit(), max_page_size_);
    const OnlinePage page = co_await ctx.node.store().online(request.cursor(), limit);

    wire::PresenceList list;
    list.set_client_msg_id(request.client_msg_id());
    list.mutable_users()->Reserve(static_cast<int>(page.users.size()));
    for (const UserId user : page.users) {
        list.add_users(user);
    }
    list.set_next_cursor(page.next_cursor);
    list.set_total(page.total);
    ctx.session->send(Frame::make(FrameType::presence, kNoUser, ctx.session->user(), list));
}

}  // namespace parley::plugins::handlers
