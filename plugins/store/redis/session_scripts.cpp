#include "session_scripts.hpp"

namespace parley::plugins::redis::scripts {

namespace {

// Shared by every script. TIME makes a script non-deterministic, which Redis before 5 accepts
// only with effects replication; later versions replicate effects always.
constexpr const char* kPrelude = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Users whose deadline has passed leave the online set, a bounded batch at a time.
local function prune(online, deadlines, now)
  while true do
    local gone = redis.call('ZRANGEBYSCORE', deadlines, '-inf', '(' .. now, 'LIMIT', 0, 500)
    if #gone == 0 then return end
    redis.call('ZREM', online, unpack(gone))
    redis.call('ZREM', deadlines, unpack(gone))
  end
end
)lua";

std::string with_prelude(const char* body) {
    return std::string{kPrelude} + body;
}

}  // namespace

const RedisScript& claim() {
    static const RedisScript script{"claim", with_prelude(R"lua(
local deadline = now_ms() + tonumber(ARGV[5])
local held = redis.call('HMGET', KEYS[1], 'node', 'epoch')
local reply = {1}
if held[1] and held[2] and not (held[1] == ARGV[2] and held[2] == ARGV[3]) then
  if ARGV[4] == 'reject' then
    return {0, held[1], held[2]}
  end
  -- take_over: only the session named by ARGV[6] (node) and ARGV[7] (epoch) gives way.
  if ARGV[4] == 'take_over' and not (held[1] == ARGV[6] and held[2] == ARGV[7]) then
    return {0, held[1], held[2]}
  end
  reply = {1, held[1], held[2]}
end
redis.call('HSET', KEYS[1], 'node', ARGV[2], 'epoch', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], deadline)
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
redis.call('ZADD', KEYS[3], deadline, ARGV[1])
return reply
)lua")};
    return script;
}

const RedisScript& release() {
    static const RedisScript script{"release", with_prelude(R"lua(
if redis.call('HGET', KEYS[1], 'epoch') ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
)lua")};
    return script;
}

const RedisScript& online() {
    static const RedisScript script{"online", with_prelude(R"lua(
prune(KEYS[1], KEYS[2], now_ms())
local users = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '+inf', 'LIMIT', 0, tonumber(ARGV[2]))
return {redis.call('ZCARD', KEYS[1]), users}
)lua")};
    return script;
}

const RedisScript& group_nodes() {
    static const RedisScript script{"group_nodes", with_prelude(R"lua(
if redis.call('ZCARD', KEYS[1]) > tonumber(ARGV[2]) then return false end
local seen, nodes = {}, {}
for _, user in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local node = redis.call('HGET', ARGV[1] .. user, 'node')
  if node and not seen[node] then
    seen[node] = true
    nodes[#nodes + 1] = node
  end
end
return nodes
)lua")};
    return script;
}

const RedisScript& refresh() {
    static const RedisScript script{"refresh", with_prelude(R"lua(
local now = now_ms()
local deadline = now + tonumber(ARGV[3])
local lost = {}
for i = 4, #ARGV, 2 do
  local user, epoch = ARGV[i], ARGV[i + 1]
  local key = ARGV[1] .. user
  local held = redis.call('HMGET', key, 'node', 'epoch')
  if not held[1] then
    -- Gone: expired while this node could not reach Redis, or Redis restarted empty.
    redis.call('HSET', key, 'node', ARGV[2], 'epoch', epoch)
    held = {ARGV[2], epoch}
  end
  if held[1] == ARGV[2] and held[2] == epoch then
    redis.call('PEXPIREAT', key, deadline)
    redis.call('ZADD', KEYS[1], user, user)
    redis.call('ZADD', KEYS[2], deadline, user)
  else
    lost[#lost + 1] = user
    lost[#lost + 1] = epoch
  end
end
prune(KEYS[1], KEYS[2], now)
return lost
)lua")};
    return script;
}

}  // namespace parley::plugins::redis::scripts
