// Parley's own frames (docs/protocol.md), encoded by hand: the bodies are a few protobuf fields
// and writing them straight into the output buffer keeps the generator free of allocations.
#include <algorithm>
#include <cstring>
#include <string>

#include "parley_sync.hpp"
#include "protocols.hpp"
#include "wire_helpers.hpp"

namespace parley::bench {
namespace {

constexpr char kMagic = static_cast<char>(0xAB);
constexpr std::size_t kHeaderSize = 14;  // magic, length, type, sender, receiver
constexpr std::uint32_t kMaxFrame = 16U << 20;

enum FrameType : unsigned char {
    handshake = 0x01,
    heartbeat = 0x02,
    group_message = 0x03,
    private_message = 0x04,
    ack = 0x05,
    error = 0x06,
    group_join = 0x08,
    goodbye = 0x0A,
    sync = 0x0C,
};

/// Writes the header for a body of `body_size` bytes and returns where the body goes.
char* begin_frame(ByteBuffer& out, FrameType type, std::uint32_t receiver, std::size_t body_size) {
    char* frame = out.prepare(kHeaderSize + body_size);
    frame[0] = kMagic;
    wire::put_be32(frame + 1, static_cast<std::uint32_t>(13 + body_size));
    frame[5] = static_cast<char>(type);
    wire::put_be32(frame + 6, 0);  // sender 0: "me"
    wire::put_be32(frame + 10, receiver);
    out.commit(kHeaderSize + body_size);
    return frame + kHeaderSize;
}

void write_chat(ByteBuffer& out, FrameType type, const Outgoing& message, ProtocolState& state) {
    // ChatMessage{client_msg_id = 1, content = 2}
    const std::uint64_t id = state.next_id++;
    const std::size_t body = 1 + wire::varint_size(id) + 1 +
                             wire::varint_size(message.payload_size) + message.payload_size;
    char* at = begin_frame(out, type, message.to, body);
    *at++ = 0x08;
    at += wire::put_varint(at, id);
    *at++ = 0x12;
    at += wire::put_varint(at, message.payload_size);
    write_payload(at, message.payload_size, message.stamp);
}

void write_field_string(char*& at, char tag, std::string_view text) {
    *at++ = tag;
    at += wire::put_varint(at, text.size());
    std::memcpy(at, text.data(), text.size());
    at += text.size();
}

/// The first varint field `number` of a body, 0 when absent.
std::uint64_t varint_field(std::string_view body, std::uint32_t number) {
    wire::ProtoField field;
    while (wire::next_field(body, field)) {
        if (field.number == number) {
            return field.varint;
        }
    }
    return 0;
}

class ParleyProtocol final : public ProtocolAdapter {
  public:
    void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) override {
        constexpr std::string_view kToken = "bench";
        constexpr std::string_view kName = "parley-bench";
        const std::size_t body = 1 + wire::varint_size(login.user_id) + 2 + kToken.size() + 2 +
                                 kName.size() + (login.sync ? 2 : 0);
        char* at = begin_frame(out, handshake, 0, body);
        *at++ = 0x08;
        at += wire::put_varint(at, login.user_id);
        write_field_string(at, 0x12, kToken);
        write_field_string(at, 0x1a, kName);
        if (login.sync) {
            *at++ = 0x28;  // sync = true: the replay follows HANDSHAKE OK
            *at++ = 0x01;
        }
        state.awaiting = 1;
        for (const auto group : login.groups) {
            const std::uint64_t id = state.next_id++;
            char* join = begin_frame(out, group_join, group, 1 + wire::varint_size(id));
            *join++ = 0x08;
            wire::put_varint(join, id);
            ++state.awaiting;
        }
    }

    void write_private(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_chat(out, private_message, message, state);
    }

    void write_group(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_chat(out, group_message, message, state);
    }

    void write_heartbeat(ProtocolState& /*state*/, ByteBuffer& out) override {
        begin_frame(out, heartbeat, 0, 0);
    }

    bool write_sync(std::span<const SyncPosition> positions, std::uint32_t limit,
                    ProtocolState& state, ByteBuffer& out) override {
        const auto body = sync_request_body(state.next_id++, positions, limit);
        std::memcpy(begin_frame(out, sync, 0, body.size()), body.data(), body.size());
        return true;
    }

    /// docs/protocol.md: one frame, one WebSocket message.
    std::size_t websocket_message_size(std::string_view pending) const override {
        if (pending.size() < 5) {
            return pending.size();
        }
        return std::min(pending.size(), 1 + std::size_t{wire::get_be32(pending.data() + 1)});
    }

    bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& /*out*/, Connection& connection,
               ProtocolEvents& events) override {
        while (in.size() >= 5) {
            const char* frame = in.data();
            if (frame[0] != kMagic) {
                events.on_refused(connection, "bad magic byte from server");
                return false;
            }
            const std::uint32_t length = wire::get_be32(frame + 1);
            if (length < 13 || length > kMaxFrame) {
                events.on_refused(connection, "bad frame length from server");
                return false;
            }
            if (in.size() < 1 + std::size_t{length}) {
                break;
            }
            const auto type = static_cast<unsigned char>(frame[5]);
            const std::string_view body(frame + kHeaderSize, length - 13);
            if (!handle(type, body, state, connection, events)) {
                return false;
            }
            in.consume(1 + std::size_t{length});
        }
        return true;
    }

  private:
    static bool handle(unsigned char type, std::string_view body, ProtocolState& state,
                       Connection& connection, ProtocolEvents& events) {
        switch (type) {
            case private_message:
            case group_message: {
                wire::ProtoField field;
                while (wire::next_field(body, field)) {
                    if (field.number == 2) {
                        events.on_delivery(connection, field.bytes);
                        return true;
                    }
                }
                events.on_delivery(connection, {});
                return true;
            }
            case ack:
                if (state.awaiting > 0) {
                    answer_login(state, connection, events);
                } else {
                    events.on_ack(connection);
                }
                return true;
            case handshake:
                answer_login(state, connection, events);
                return true;
            case error: {
                const auto code = varint_field(body, 1);
                events.on_refused(connection, "parley error " + std::to_string(code));
                return true;
            }
            case sync:
                events.on_sync_done(connection, parse_sync_done(body));
                return true;
            case goodbye: {
                const auto code = varint_field(body, 1);
                events.on_refused(connection, "parley goodbye " + std::to_string(code));
                return false;
            }
            default:  // heartbeat echoes and anything else
                return true;
        }
    }

    static void answer_login(ProtocolState& state, Connection& connection, ProtocolEvents& events) {
        if (state.awaiting > 0 && --state.awaiting == 0) {
            events.on_ready(connection);
        }
    }
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_parley_protocol() {
    return std::make_unique<ParleyProtocol>();
}

}  // namespace parley::bench
