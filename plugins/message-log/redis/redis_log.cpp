#include "redis_log.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <utility>

#include <parley/error.hpp>

#include "durability_check.hpp"
#include "log_replies.hpp"
#include "log_scripts.hpp"
#include "resending_call.hpp"

namespace parley::plugins::message_log_redis {

namespace {

using redis::RedisCommand;
using redis::RedisReply;
using redis::RedisScript;

std::vector<const RedisScript*> all_scripts() {
    return {&scripts::append(), &scripts::read(), &scripts::epoch(), &scripts::acknowledge(),
            &scripts::user_streams()};
}

RedisCommand script(const RedisScript& body, int key_count, std::vector<std::string> args) {
    RedisCommand command;
    command.script = &body;
    command.key_count = key_count;
    command.args = std::move(args);
    return command;
}

/// A random number in [1, 2^63): below 2^63, any signed 64-bit reader takes it too.
std::uint64_t random_positive() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uint64_t number = 0;
    while (number == 0) {
        number = random() >> 1;
    }
    return number;
}

/// An epoch for a log that has none yet: random, so a log that lost its data does not come
/// back with the epoch it had. Only the first candidate a log sees is kept. Never 0, which
/// reads as "no epoch" to a client.
std::string epoch_candidate() {
    return std::to_string(random_positive());
}

/// Stream id "<seq>-0" of a message.
std::string entry_id(std::uint64_t seq) {
    return std::to_string(seq) + "-0";
}

}  // namespace

RedisLog::RedisLog(const asio::any_io_executor& executor, RedisLogSettings settings)
    : keys_(settings.key_prefix),
      max_messages_(settings.max_messages_per_conversation),
      max_age_ms_(settings.max_age.count()),
      dedup_window_ms_(settings.dedup_window.count()),
      dedup_window_(settings.dedup_window),
      append_timeout_(settings.append_timeout),
      lanes_(settings.max_appends_in_flight),
      pool_(
          std::make_shared<redis::RedisPool>(executor, std::move(settings.client), all_scripts())) {
    pool_->on_ready([weak = std::weak_ptr<redis::RedisPool>(pool_), checked = false]() mutable {
        const auto pool = weak.lock();
        if (pool && !std::exchange(checked, true)) {
            check_durability(pool);
        }
    });
    pool_->start();
}

RedisLog::~RedisLog() {
    pool_->shutdown();
}

asio::awaitable<void> RedisLog::check_ready() {
    RedisCommand ping;
    ping.args = {"PING"};
    co_await run(std::move(ping), "PING");
}

asio::awaitable<RedisReply> RedisLog::run(RedisCommand command, const char* what) {
    RedisReply reply = co_await pool_->call(std::move(command));
    if (reply.is_error()) {
        throw Error(ErrorCode::backend_unavailable, "message-log-redis: Redis at " +
                                                        pool_->address() + " refused " + what +
                                                        ": " + reply.text);
    }
    co_return reply;
}

asio::awaitable<AppendResult> RedisLog::append(Conversation conversation, UserId sender,
                                               std::uint64_t client_msg_id, Frame frame) {
    const bool deduplicated = client_msg_id != 0 && dedup_window_ms_ > 0;
    const auto bytes = frame.bytes();
    std::vector<std::string> args{keys_.incarnation(),
                                  keys_.meta(conversation),
                                  keys_.messages(conversation),
                                  keys_.times(conversation),
                                  keys_.dedup(sender, client_msg_id),
                                  epoch_candidate(),
                                  std::to_string(sender),
                                  std::to_string(client_msg_id),
                                  std::to_string(deduplicated ? dedup_window_ms_ : 0),
                                  std::to_string(max_messages_),
                                  std::to_string(max_age_ms_),
                                  std::string(bytes.begin(), bytes.end()),
                                  std::to_string(random_positive())};
    int key_count = 5;
    if (conversation.kind == Conversation::Kind::direct) {
        args.insert(args.begin() + key_count,
                    {keys_.peers(conversation.low), keys_.peers(conversation.high)});
        key_count += 2;
        args.push_back(std::to_string(conversation.low));
        args.push_back(std::to_string(conversation.high));
    }
    RedisCommand command = script(scripts::append(), key_count, std::move(args));
    // A deduplicated append may be sent again when its reply is lost: if the first try ran, the
    // resend finds its own dedup record (the same attempt) and returns its numbers. Never past
    // the dedup window, after which a resend would store the message twice.
    // Taken before the first suspension: appends called one after the other on one thread are
    // stored in that order (keeps_append_order()).
    const ConversationLanes::Turn turn = co_await lanes_.enter(conversation, sender);
    // Counted from the first try, after the wait for the turn.
    const auto resend_for =
        deduplicated ? std::min(append_timeout_, dedup_window_) : std::chrono::milliseconds{0};
    const auto deadline = std::chrono::steady_clock::now() + resend_for;
    const RedisReply reply = co_await call_resending(pool_, std::move(command), deadline);
    if (reply.is_error()) {
        throw Error(ErrorCode::backend_unavailable, "message-log-redis: Redis at " +
                                                        pool_->address() +
                                                        " refused the append: " + reply.text);
    }
    co_return parse_append(reply);
}

RedisCommand RedisLog::read_command(const Conversation& conversation, const char* direction,
                                    std::string start, std::uint32_t count) const {
    return script(
        scripts::read(), 3,
        {keys_.meta(conversation), keys_.messages(conversation), keys_.times(conversation),
         direction, std::move(start), std::to_string(count), std::to_string(max_age_ms_)});
}

RedisCommand RedisLog::epoch_command() const {
    return script(scripts::epoch(), 1, {keys_.incarnation(), epoch_candidate()});
}

asio::awaitable<MessagePage> RedisLog::page_of(RedisCommand command) {
    const RedisReply reply = co_await run(std::move(command), "a read");
    if (auto page = parse_page(reply)) {
        co_return std::move(*page);
    }
    // Named, not a temporary inside co_await: GCC 12 destroys such a temporary twice.
    RedisCommand ask_epoch = epoch_command();
    const RedisReply epoch = co_await run(std::move(ask_epoch), "the epoch");
    MessagePage empty;
    empty.first_seq = 1;
    empty.epoch = parse_epoch(epoch);
    co_return empty;
}

asio::awaitable<MessagePage> RedisLog::read(Conversation conversation, std::uint64_t after,
                                            std::uint32_t limit) {
    if (after == std::numeric_limits<std::uint64_t>::max()) {
        limit = 0;  // nothing comes after the last seq there can be
        after = 0;
    }
    RedisCommand command = read_command(conversation, "f", entry_id(after + 1), limit);
    co_return co_await page_of(std::move(command));
}

asio::awaitable<MessagePage> RedisLog::read_back(Conversation conversation, std::uint64_t before,
                                                 std::uint32_t limit) {
    std::string start = before == 0 ? "+" : "(" + entry_id(before);
    RedisCommand command = read_command(conversation, "b", std::move(start), limit);
    co_return co_await page_of(std::move(command));
}

asio::awaitable<void> RedisLog::acknowledge(UserId user, Conversation conversation,
                                            std::uint64_t seq) {
    RedisCommand command =
        script(scripts::acknowledge(), 1,
               {keys_.acked(user), LogKeys::acked_field(user, conversation), std::to_string(seq)});
    co_await run(std::move(command), "the acknowledgement");
}

asio::awaitable<std::vector<StreamPosition>> RedisLog::positions(UserId user,
                                                                 std::vector<GroupId> groups) {
    RedisCommand listing =
        script(scripts::user_streams(), 2, {keys_.peers(user), keys_.acked(user)});
    const RedisReply listed = co_await run(std::move(listing), "the user's conversations");
    const UserStreams streams = parse_user_streams(user, listed);

    std::set<Conversation> wanted(streams.conversations.begin(), streams.conversations.end());
    for (const GroupId group : groups) {
        wanted.insert(Conversation::group(group));
    }
    const std::map<Conversation, std::uint64_t> acked(streams.acked.begin(), streams.acked.end());

    // One pipelined round trip: the epoch, then each conversation's bounds (a read of nothing),
    // each script within one slot.
    std::vector<RedisCommand> commands;
    commands.reserve(wanted.size() + 1);
    commands.push_back(epoch_command());
    for (const Conversation& conversation : wanted) {
        commands.push_back(read_command(conversation, "f", "+", 0));
    }
    const std::vector<RedisReply> replies = co_await pool_->call_all(std::move(commands));
    for (const RedisReply& reply : replies) {
        if (reply.is_error()) {
            throw Error(ErrorCode::backend_unavailable,
                        "message-log-redis: Redis at " + pool_->address() +
                            " refused the positions: " + reply.text);
        }
    }

    const std::uint64_t log_epoch = parse_epoch(replies.front());
    std::vector<StreamPosition> found;
    found.reserve(wanted.size());
    std::size_t index = 1;
    for (const Conversation& conversation : wanted) {
        StreamPosition position{conversation, log_epoch, 1, 0, 0};
        if (const auto page = parse_page(replies[index++])) {
            position.epoch = page->epoch;
            position.first_seq = page->first_seq;
            position.last_seq = page->last_seq;
        }
        if (const auto it = acked.find(conversation); it != acked.end()) {
            position.acked = it->second;
        }
        found.push_back(position);
    }
    co_return found;
}

}  // namespace parley::plugins::message_log_redis
