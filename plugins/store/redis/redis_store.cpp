#include "redis_store.hpp"

#include <limits>
#include <utility>

#include <parley/error.hpp>

#include "session_scripts.hpp"

namespace parley::plugins::redis {

namespace {

std::vector<const RedisScript*> all_scripts() {
    return {&scripts::claim(), &scripts::release(), &scripts::online(), &scripts::refresh(),
            &scripts::group_nodes()};
}

RedisCommand plain(std::vector<std::string> args) {
    RedisCommand command;
    command.args = std::move(args);
    return command;
}

RedisCommand script(const RedisScript& body, int key_count, std::vector<std::string> args) {
    RedisCommand command;
    command.script = &body;
    command.key_count = key_count;
    command.args = std::move(args);
    return command;
}

metrics::Counter& locate_counter(const char* result) {
    return metrics::registry().counter(
        "parley_store_locate_cache_total",
        "Lookups of a user's node answered from the node's cache (hit) or by Redis (miss).",
        {{"result", result}});
}

}  // namespace

RedisStore::RedisStore(const asio::any_io_executor& executor, RedisSettings settings,
                       std::string node_id)
    : keys_(settings.key_prefix),
      node_id_(std::move(node_id)),
      ttl_(settings.session_ttl),
      pool_(std::make_shared<RedisPool>(executor, settings.client, all_scripts())),
      refresher_(std::make_shared<SessionRefresher>(pool_, executor, keys_, node_id_, ttl_)),
      locations_(
          std::make_shared<LocateCache>(settings.locate_cache_size, settings.locate_cache_ttl)),
      cache_hits_(locate_counter("hit")),
      cache_misses_(locate_counter("miss")) {
    if (locations_->configured()) {
        invalidations_ = std::make_shared<SessionInvalidations>(
            executor, std::move(settings.client), keys_.session_prefix(), locations_);
        invalidations_->start();
    }
    pool_->on_ready([weak = std::weak_ptr<SessionRefresher>(refresher_)] {
        if (const auto refresher = weak.lock()) {
            refresher->refresh_soon();
        }
    });
    pool_->start();
    refresher_->start();
}

RedisStore::~RedisStore() {
    refresher_->stop();
    if (invalidations_) {
        invalidations_->shutdown();
    }
    pool_->shutdown();
}

asio::awaitable<RedisReply> RedisStore::run(RedisCommand command, const char* what) {
    RedisReply reply = co_await pool_->call(std::move(command));
    checked(reply, what);
    co_return reply;
}

const RedisReply& RedisStore::checked(const RedisReply& reply, const char* what) const {
    if (reply.is_error()) {
        throw Error(ErrorCode::backend_unavailable,
                    "Redis at " + pool_->address() + " refused " + what + ": " + reply.text);
    }
    return reply;
}

asio::awaitable<void> RedisStore::check_ready() {
    RedisCommand ping = plain({"PING"});
    co_await run(std::move(ping), "PING");
}

void RedisStore::unexpected(const char* what) const {
    throw Error(ErrorCode::backend_unavailable,
                "Redis at " + pool_->address() + " gave an unexpected reply to " + what);
}

asio::awaitable<ClaimResult> RedisStore::claim(SessionRecord record, DuplicateLoginPolicy policy) {
    // Named, not temporaries inside co_await (GCC 12).
    std::string mode = policy == DuplicateLoginPolicy::reject ? "reject" : "kick_old";
    SessionRecord nobody;
    co_return co_await run_claim(std::move(record), std::move(mode), std::move(nobody));
}

asio::awaitable<ClaimResult> RedisStore::take_over(SessionRecord record, SessionRecord holder) {
    std::string mode = "take_over";
    co_return co_await run_claim(std::move(record), std::move(mode), std::move(holder));
}

asio::awaitable<ClaimResult> RedisStore::run_claim(SessionRecord record, std::string mode,
                                                   SessionRecord holder) {
    if (record.user == kNoUser) {
        throw Error(ErrorCode::internal, "store-redis: claim for user 0");
    }
    const std::string user = std::to_string(record.user);
    RedisCommand command =
        script(scripts::claim(), 3,
               {keys_.session(record.user), keys_.online(), keys_.deadlines(), user, record.node_id,
                std::to_string(record.epoch), mode, std::to_string(ttl_.count()), holder.node_id,
                std::to_string(holder.epoch)});
    const RedisReply reply = co_await run(std::move(command), "the claim");
    const auto& parts = reply.elements;
    if (reply.type != RedisReply::Type::array || parts.empty() || !parts[0].as_unsigned() ||
        (parts.size() != 1 && parts.size() != 3)) {
        unexpected("the claim");
    }
    ClaimResult result;
    result.granted = *parts[0].as_unsigned() == 1;
    if (parts.size() == 3) {
        const auto epoch = parts[2].as_unsigned();
        if (!epoch) {
            unexpected("the claim");
        }
        result.other = SessionRecord{record.user, parts[1].text, *epoch};
    }
    if (result.granted) {
        refresher_->hold(record.user, record.epoch);
        locations_->invalidate(record.user);  // Redis's report of it comes a moment later
    }
    co_return result;
}

asio::awaitable<void> RedisStore::release(UserId user, std::uint64_t epoch) {
    // Forgotten here even if Redis cannot be told: the record then expires by itself.
    refresher_->drop(user, epoch);
    RedisCommand command = script(scripts::release(), 3,
                                  {keys_.session(user), keys_.online(), keys_.deadlines(),
                                   std::to_string(user), std::to_string(epoch)});
    co_await run(std::move(command), "the release");
    locations_->invalidate(user);  // Redis's report of it comes a moment later
}

asio::awaitable<std::optional<SessionRecord>> RedisStore::locate(UserId user) {
    const auto asked_at = LocateCache::Clock::now();
    if (auto known = locations_->find(user, asked_at)) {
        cache_hits_.add();
        co_return known;
    }
    RedisCommand read = plain({"HMGET", keys_.session(user), "node", "epoch"});
    if (!locations_->enabled()) {  // configured off, or no reports now: nothing would be kept
        const RedisReply reply = co_await run(std::move(read), "the lookup");
        co_return parse_record(user, reply);
    }
    cache_misses_.add();
    // The record's remaining life too, in the same round trip: a kept copy must not outlive
    // it (Redis reports an expiry only once it has got round to deleting the key).
    std::vector<RedisCommand> commands;
    commands.push_back(std::move(read));
    commands.push_back(plain({"PTTL", keys_.session(user)}));
    LocateCacheLookup lookup(*locations_, user);  // before the question goes out
    const std::vector<RedisReply> replies = co_await pool_->call_all(std::move(commands));
    std::optional<SessionRecord> record = parse_record(user, checked(replies.at(0), "the lookup"));
    // Counted from before the question, the copy ends no later than the record; a record
    // without a known life (an error, or no expiry) is not kept beyond this answer.
    auto record_ends = asked_at;
    if (const RedisReply& ttl = replies.at(1);
        ttl.type == RedisReply::Type::integer && ttl.integer >= 0) {
        record_ends = asked_at + std::chrono::milliseconds(ttl.integer);
    }
    lookup.complete(record, LocateCache::Clock::now(), record_ends);
    co_return record;
}

std::optional<SessionRecord> RedisStore::parse_record(UserId user, const RedisReply& reply) const {
    if (reply.type != RedisReply::Type::array || reply.elements.size() != 2) {
        unexpected("the lookup");
    }
    if (reply.elements[0].is_nil() || reply.elements[1].is_nil()) {
        return std::nullopt;
    }
    const auto epoch = reply.elements[1].as_unsigned();
    if (!epoch) {
        unexpected("the lookup");
    }
    return SessionRecord{user, reply.elements[0].text, *epoch};
}

asio::awaitable<OnlinePage> RedisStore::online(std::uint64_t cursor, std::uint32_t limit) {
    if (limit == 0) {
        limit = kDefaultPageSize;
    }
    // One more than a page: its id, if there is one, is the next page's cursor.
    RedisCommand command = script(scripts::online(), 2,
                                  {keys_.online(), keys_.deadlines(), std::to_string(cursor),
                                   std::to_string(std::uint64_t{limit} + 1)});
    const RedisReply reply = co_await run(std::move(command), "the online list");
    if (reply.type != RedisReply::Type::array || reply.elements.size() != 2 ||
        !reply.elements[0].as_unsigned() || reply.elements[1].type != RedisReply::Type::array) {
        unexpected("the online list");
    }
    OnlinePage page;
    page.total = *reply.elements[0].as_unsigned();
    const auto& users = reply.elements[1].elements;
    page.users.reserve(std::min<std::size_t>(users.size(), limit));
    for (const RedisReply& element : users) {
        const auto user = element.as_unsigned();
        if (!user || *user > std::numeric_limits<UserId>::max()) {
            unexpected("the online list");
        }
        if (page.users.size() == limit) {
            page.next_cursor = *user;
            break;
        }
        page.users.push_back(static_cast<UserId>(*user));
    }
    co_return page;
}

asio::awaitable<void> RedisStore::join_group(GroupId group, UserId user) {
    const std::string member = std::to_string(user);
    RedisCommand command = plain({"ZADD", keys_.group(group), member, member});
    co_await run(std::move(command), "the group join");
}

asio::awaitable<bool> RedisStore::leave_group(GroupId group, UserId user) {
    RedisCommand command = plain({"ZREM", keys_.group(group), std::to_string(user)});
    const RedisReply reply = co_await run(std::move(command), "the group leave");
    if (reply.type != RedisReply::Type::integer) {
        unexpected("the group leave");
    }
    co_return reply.integer > 0;
}

asio::awaitable<bool> RedisStore::is_member(GroupId group, UserId user) {
    RedisCommand command = plain({"ZSCORE", keys_.group(group), std::to_string(user)});
    const RedisReply reply = co_await run(std::move(command), "the membership check");
    co_return !reply.is_nil();
}

asio::awaitable<std::vector<UserId>> RedisStore::group_members(GroupId group) {
    RedisCommand command = plain({"ZRANGE", keys_.group(group), "0", "-1"});
    const RedisReply reply = co_await run(std::move(command), "the member list");
    if (reply.type != RedisReply::Type::array) {
        unexpected("the member list");
    }
    std::vector<UserId> members;
    members.reserve(reply.elements.size());
    for (const RedisReply& element : reply.elements) {
        const auto user = element.as_unsigned();
        if (!user || *user > std::numeric_limits<UserId>::max()) {
            unexpected("the member list");
        }
        members.push_back(static_cast<UserId>(*user));
    }
    co_return members;
}

asio::awaitable<std::optional<std::vector<std::string>>> RedisStore::group_nodes(
    GroupId group, std::uint32_t max_members) {
    RedisCommand command =
        script(scripts::group_nodes(), 1,
               {keys_.group(group), keys_.session_prefix(), std::to_string(max_members)});
    const RedisReply reply = co_await run(std::move(command), "the group's nodes");
    if (reply.is_nil()) {
        co_return std::nullopt;  // over max_members
    }
    if (reply.type != RedisReply::Type::array) {
        unexpected("the group's nodes");
    }
    std::vector<std::string> nodes;
    nodes.reserve(reply.elements.size());
    for (const RedisReply& element : reply.elements) {
        nodes.push_back(element.text);
    }
    co_return nodes;
}

}  // namespace parley::plugins::redis
