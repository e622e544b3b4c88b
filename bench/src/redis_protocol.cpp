// Redis pub/sub over RESP2. A subscribed connection may only (un)subscribe and PING, so every
// user has two connections: one SUBSCRIBEd to u.<id> (and its groups g.<id>), one that
// PUBLISHes. The publisher's integer replies count as acknowledgements. Redis delivers a group
// message to its author's own subscription too; the workload discards those.
#include "protocols.hpp"
#include "wire_helpers.hpp"

namespace parley::bench {
namespace {

constexpr std::string_view kPing = "*1\r\n$4\r\nPING\r\n";

/// One RESP2 reply: a simple string, error, integer, bulk string, or a flat array of those
/// (only the first three elements are kept: pub/sub pushes have three).
struct Reply {
    char kind = 0;
    std::string_view text;
    std::size_t elements = 0;
    std::string_view element[3];
};

enum class ParseResult { complete, incomplete, malformed };

/// Reads a CRLF-terminated line starting at `at`; advances `at` past the CRLF.
bool read_line(std::string_view data, std::size_t& at, std::string_view& line) {
    const auto end = data.find("\r\n", at);
    if (end == std::string_view::npos) {
        return false;
    }
    line = data.substr(at, end - at);
    at = end + 2;
    return true;
}

/// Reads one non-array value at `at`.
ParseResult read_scalar(std::string_view data, std::size_t& at, char& kind,
                        std::string_view& text) {
    if (at >= data.size()) {
        return ParseResult::incomplete;
    }
    kind = data[at++];
    std::string_view line;
    if (!read_line(data, at, line)) {
        return ParseResult::incomplete;
    }
    if (kind == '+' || kind == '-' || kind == ':') {
        text = line;
        return ParseResult::complete;
    }
    if (kind != '$') {
        return ParseResult::malformed;
    }
    if (line == "-1") {
        text = {};
        return ParseResult::complete;
    }
    const auto size = wire::parse_decimal(line);
    if (!size) {
        return ParseResult::malformed;
    }
    if (data.size() < at + *size + 2) {
        return ParseResult::incomplete;
    }
    text = data.substr(at, *size);
    at += *size + 2;
    return ParseResult::complete;
}

ParseResult read_reply(std::string_view data, std::size_t& at, Reply& reply) {
    if (at >= data.size()) {
        return ParseResult::incomplete;
    }
    if (data[at] != '*') {
        return read_scalar(data, at, reply.kind, reply.text);
    }
    reply.kind = '*';
    ++at;
    std::string_view line;
    if (!read_line(data, at, line)) {
        return ParseResult::incomplete;
    }
    const auto count = wire::parse_decimal(line);
    if (!count) {
        return ParseResult::malformed;
    }
    reply.elements = *count;
    for (std::size_t i = 0; i < *count; ++i) {
        char kind = 0;
        std::string_view text;
        const auto result = read_scalar(data, at, kind, text);
        if (result != ParseResult::complete) {
            return result;
        }
        if (i < 3) {
            reply.element[i] = text;
        }
    }
    return ParseResult::complete;
}

void append_bulk_header(ByteBuffer& out, std::size_t size) {
    out.append_byte('$');
    wire::append_decimal(out, size);
    out.append("\r\n");
}

void append_channel(ByteBuffer& out, char kind, std::uint32_t id) {
    append_bulk_header(out, 2 + wire::decimal_size(id));
    out.append_byte(kind);
    out.append_byte('.');
    wire::append_decimal(out, id);
    out.append("\r\n");
}

void write_publish(ByteBuffer& out, char kind, const Outgoing& message) {
    out.append("*3\r\n$7\r\nPUBLISH\r\n");
    append_channel(out, kind, message.to);
    append_bulk_header(out, message.payload_size);
    write_payload(out.prepare(message.payload_size), message.payload_size, message.stamp);
    out.commit(message.payload_size);
    out.append("\r\n");
}

class RedisProtocol final : public ProtocolAdapter {
  public:
    bool separate_publisher() const override { return true; }

    void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) override {
        const std::size_t channels = (login.inbox ? 1 : 0) + login.groups.size();
        if (channels > 0) {
            out.append_byte('*');
            wire::append_decimal(out, channels + 1);
            out.append("\r\n$9\r\nSUBSCRIBE\r\n");
            if (login.inbox) {
                append_channel(out, 'u', login.user_id);
            }
            for (const auto group : login.groups) {
                append_channel(out, 'g', group);
            }
            state.awaiting = static_cast<std::uint32_t>(channels);
        } else if (login.publisher_only) {
            state.awaiting = 0;
        } else {
            out.append(kPing);  // a bare login, as in the connect storm
            state.awaiting = 1;
        }
    }

    void write_private(const Outgoing& message, ProtocolState& /*state*/,
                       ByteBuffer& out) override {
        write_publish(out, 'u', message);
    }

    void write_group(const Outgoing& message, ProtocolState& /*state*/, ByteBuffer& out) override {
        write_publish(out, 'g', message);
    }

    void write_heartbeat(ProtocolState& /*state*/, ByteBuffer& out) override { out.append(kPing); }

    bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& /*out*/, Connection& connection,
               ProtocolEvents& events) override {
        while (!in.empty()) {
            const std::string_view data(in.data(), in.size());
            std::size_t at = 0;
            Reply reply;
            const auto result = read_reply(data, at, reply);
            if (result == ParseResult::incomplete) {
                break;
            }
            if (result == ParseResult::malformed) {
                events.on_refused(connection, "malformed RESP from redis-server");
                return false;
            }
            handle(reply, state, connection, events);
            in.consume(at);
        }
        return true;
    }

  private:
    static void handle(const Reply& reply, ProtocolState& state, Connection& connection,
                       ProtocolEvents& events) {
        switch (reply.kind) {
            case '*':
                if (reply.elements == 3 && reply.element[0] == "message") {
                    events.on_delivery(connection, reply.element[2]);
                } else if (reply.elements == 3 && reply.element[0] == "subscribe") {
                    login_answer(state, connection, events);
                }
                return;  // "pong" pushes need nothing
            case ':':
                events.on_ack(connection);
                return;
            case '+':
                login_answer(state, connection, events);
                return;
            case '-':
                events.on_refused(connection, reply.text);
                return;
            default:
                return;
        }
    }

    static void login_answer(ProtocolState& state, Connection& connection, ProtocolEvents& events) {
        if (state.awaiting > 0 && --state.awaiting == 0) {
            events.on_ready(connection);
        }
    }
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_redis_protocol() {
    return std::make_unique<RedisProtocol>();
}

}  // namespace parley::bench
