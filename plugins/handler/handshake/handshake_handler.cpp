#include "handshake_handler.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <parley.pb.h>
#include <spdlog/spdlog.h>

#include <parley/error.hpp>
#include <parley/message_log.hpp>
#include <parley/router.hpp>
#include <parley/wire_ids.hpp>

#include "certificate_user.hpp"
#include "common/replay.hpp"

namespace parley::plugins::handlers {

HandshakeHandler::HandshakeHandler(TokenVerifier verifier, DuplicateLoginPolicy policy,
                                   ResumeTokens resume)
    : verifier_(std::move(verifier)), policy_(policy), resume_(std::move(resume)) {}

namespace {

// Handshake.user_id, and the peers of the positions it names.
constexpr IdField kPositionIds[] = {{2}};
constexpr IdField kHandshakeIds[] = {{1}, {6, kPositionIds}};

asio::awaitable<void> close_displaced(Router& router, SessionRecord displaced) {
    try {
        co_await router.kick(displaced);
    } catch (const std::exception& e) {
        spdlog::warn(
            "handshake: user {} logged in again, but closing the old session on node '{}' "
            "failed: {}",
            displaced.user, displaced.node_id, e.what());
    }
}

}  // namespace

asio::awaitable<void> HandshakeHandler::handle(RequestContext& ctx, const Frame& frame) {
    if (ctx.session->user() != kNoUser) {
        throw Error(ErrorCode::login_failed, "already logged in");
    }
    wire::Handshake hello;
    if (!frame.parse_body(hello)) {
        throw Error(ErrorCode::bad_body, "handshake body is not a Handshake");
    }
    if (!id_fields_fit(frame.body(), kHandshakeIds)) {
        throw Error(ErrorCode::bad_body, "a user id or peer in the handshake does not fit 32 bits");
    }
    const UserId user = hello.user_id();
    const std::string who = std::to_string(user);
    if (user == kNoUser) {
        throw Error(ErrorCode::login_failed, "user id 0 is not a user");
    }
    check_certificate_user(*ctx.session, user);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    switch (verifier_.verify(user, hello.token(),
                             std::chrono::duration_cast<std::chrono::seconds>(now).count())) {
        case TokenVerdict::accepted:
            break;
        case TokenVerdict::expired:
            throw Error(ErrorCode::login_failed, "the token for user " + who + " has expired");
        case TokenVerdict::not_yet_valid:
            throw Error(ErrorCode::login_failed, "the token for user " + who + " is not valid yet");
        case TokenVerdict::refused:
            throw Error(ErrorCode::login_failed, "bad token for user " + who);
    }

    const std::uint64_t epoch = ctx.session->epoch();
    // Named, not a braced temporary inside co_await: GCC 12 destroys such a temporary twice.
    SessionRecord record{user, ctx.node.id(), epoch};
    ClaimResult claim = co_await ctx.node.store().claim(record, policy_);
    if (!claim.granted && claim.other && !hello.resume_token().empty() &&
        (hello.resume_epoch() == 0 || hello.resume_epoch() == claim.other->epoch) &&
        resume_.matches(user, claim.other->epoch, hello.resume_token())) {
        // The holder is this client's own previous session, proven by a token only that
        // session's client was told: take over from it. A wrong token changes nothing. Only
        // from that session: if a newer login of the client got in meanwhile (this handshake
        // may be one it gave up on, read late by a node that was paused), it stays.
        const SessionRecord previous = *claim.other;
        claim = co_await ctx.node.store().take_over(std::move(record), previous);
    }
    if (!claim.granted) {
        throw Error(ErrorCode::duplicate_login, "user " + who + " is already logged in");
    }
    if (claim.other) {
        // The Store already names this session as the user's, so the login stands even if the
        // old session cannot be told: it is no longer routed to, and its release will not match.
        // Told in the background: a login never waits on the cluster transport.
        asio::co_spawn(ctx.session->executor(), close_displaced(ctx.node.router(), *claim.other),
                       asio::detached);
    }
    // A login that asks for a sync holds live messages from the moment the user is reachable,
    // so the replay below is neither overtaken nor repeated (common/replay.hpp).
    MessageLog* log = hello.sync() ? ctx.node.message_log() : nullptr;
    std::optional<HoldGuard> hold;
    if (log != nullptr) {
        hold.emplace(*ctx.session);
    }
    ctx.session->complete_login(user);

    wire::HandshakeOk ok;
    ok.set_user_id(user);
    ok.set_node_id(ctx.node.id());
    const auto interval = ctx.node.heartbeat_interval().count();
    ok.set_heartbeat_interval_ms(static_cast<std::uint32_t>(
        std::clamp<std::int64_t>(interval, 0, std::numeric_limits<std::uint32_t>::max())));
    ok.set_session_epoch(epoch);
    ok.set_resume_token(resume_.token_for(user, epoch));
    ok.set_message_log(ctx.node.message_log() != nullptr);
    Frame welcome = Frame::make(FrameType::handshake, kNoUser, user, ok);
    if (!hold) {
        ctx.session->send(std::move(welcome));
        co_return;
    }
    ctx.session->send_through_hold(std::move(welcome));
    co_await replay_missed(ctx, *log, *hold, 0, hello.positions(), 0);
}

}  // namespace parley::plugins::handlers
