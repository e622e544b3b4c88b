#include "log_scripts.hpp"

#include <string>

namespace parley::plugins::message_log_redis::scripts {

namespace {

// Shared by every script. Numbers that may pass 2^53 (epochs, client_msg_ids) stay strings;
// Lua's numbers are doubles. TIME makes a script non-deterministic, which Redis before 5
// accepts only with effects replication; later versions replicate effects always.
constexpr const char* kPrelude = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function int(n) return string.format('%d', n) end
-- The log's epoch, made from the candidate when the log has none.
local function log_epoch(incarnation, candidate)
  redis.call('HSETNX', incarnation, 'epoch', candidate)
  return redis.call('HGET', incarnation, 'epoch')
end
-- Drops the messages older than max_age ms. `times` holds the stream's messages' stored_at,
-- which never decreases along the stream, so the ones it drops are the stream's oldest.
local function expire_old(msgs, times, max_age)
  if max_age <= 0 then return end
  local gone = redis.call('ZREMRANGEBYSCORE', times, '-inf', '(' .. int(now_ms() - max_age))
  if gone > 0 then
    redis.call('XTRIM', msgs, 'MAXLEN', math.max(redis.call('XLEN', msgs) - gone, 0))
  end
end
)lua";

std::string with_prelude(const char* body) {
    return std::string{kPrelude} + body;
}

}  // namespace

const redis::RedisScript& append() {
    static const redis::RedisScript script{"append", with_prelude(R"lua(
local epoch = log_epoch(KEYS[1], ARGV[1])
local window = tonumber(ARGV[4])
if window > 0 then
  local first = redis.call('GET', KEYS[5])
  if first then
    -- "<seq>:<id>:<attempt>"; a record written without an attempt matches none.
    local seq, id, attempt = string.match(first, '^(%d+):(%d+):?(%d*)$')
    -- The same attempt again is this append's own resend after a lost reply: not a duplicate.
    local duplicate = (attempt == ARGV[8]) and 0 or 1
    return {duplicate, seq, id, redis.call('HGET', KEYS[2], 'epoch') or epoch}
  end
end
redis.call('HSETNX', KEYS[2], 'epoch', epoch)
local seq = int(redis.call('HINCRBY', KEYS[2], 'last', 1))
local id = int(redis.call('HINCRBY', KEYS[1], 'next_id', 1))
-- stored_at never goes back along a conversation, even if the server's clock does.
local at = int(math.max(now_ms(), tonumber(redis.call('HGET', KEYS[2], 'at') or '0')))
redis.call('HSET', KEYS[2], 'at', at)
redis.call('XADD', KEYS[3], seq .. '-0', 'i', id, 's', ARGV[2], 'c', ARGV[3], 't', at,
           'f', ARGV[7])
redis.call('ZADD', KEYS[4], at, seq)
local max = tonumber(ARGV[5])
local length = redis.call('XLEN', KEYS[3])
if length > max then
  redis.call('XTRIM', KEYS[3], 'MAXLEN', max)
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, length - max - 1)
end
local max_age = tonumber(ARGV[6])
expire_old(KEYS[3], KEYS[4], max_age)
if max_age > 0 then
  -- A conversation nobody writes to any more goes away whole once its newest message is old.
  redis.call('PEXPIRE', KEYS[3], max_age)
  redis.call('PEXPIRE', KEYS[4], max_age)
end
if window > 0 then
  redis.call('SET', KEYS[5], seq .. ':' .. id .. ':' .. ARGV[8], 'PX', window)
end
if #KEYS == 7 then
  redis.call('SADD', KEYS[6], ARGV[10])
  redis.call('SADD', KEYS[7], ARGV[9])
end
return {0, seq, id, redis.call('HGET', KEYS[2], 'epoch')}
)lua")};
    return script;
}

const redis::RedisScript& read() {
    static const redis::RedisScript script{"read", with_prelude(R"lua(
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'last')
if not meta[1] then return {0} end
expire_old(KEYS[2], KEYS[3], tonumber(ARGV[4]))
local first = int(tonumber(meta[2]) - redis.call('XLEN', KEYS[2]) + 1)
local entries = {}
local count = tonumber(ARGV[3])
if count > 0 and ARGV[1] == 'f' then
  entries = redis.call('XRANGE', KEYS[2], ARGV[2], '+', 'COUNT', count)
elseif count > 0 then
  entries = redis.call('XREVRANGE', KEYS[2], ARGV[2], '-', 'COUNT', count)
end
return {1, meta[1], meta[2], first, entries}
)lua")};
    return script;
}

const redis::RedisScript& epoch() {
    static const redis::RedisScript script{"epoch", with_prelude(R"lua(
return log_epoch(KEYS[1], ARGV[1])
)lua")};
    return script;
}

const redis::RedisScript& acknowledge() {
    static const redis::RedisScript script{"acknowledge", with_prelude(R"lua(
-- Compared as decimal strings (no leading zeros): exact for every 64-bit seq.
local held = redis.call('HGET', KEYS[1], ARGV[1])
if not held or #ARGV[2] > #held or (#ARGV[2] == #held and ARGV[2] > held) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
return 0
)lua")};
    return script;
}

const redis::RedisScript& user_streams() {
    static const redis::RedisScript script{"user_streams", with_prelude(R"lua(
return {redis.call('SMEMBERS', KEYS[1]), redis.call('HGETALL', KEYS[2])}
)lua")};
    return script;
}

}  // namespace parley::plugins::message_log_redis::scripts
