// The NATS client protocol (text): CONNECT, SUB, PUB, PING/PONG out; INFO, MSG, PING/PONG, +OK
// and -ERR in. A user's inbox is the subject u.<id>, a group is g.<id>. CONNECT asks for no
// echo, so a group member does not get its own messages back (Parley does not send them either).
#include <cstring>

#include "protocols.hpp"
#include "wire_helpers.hpp"

namespace parley::bench {
namespace {

constexpr std::string_view kConnect =
    "CONNECT {\"verbose\":false,\"pedantic\":false,\"echo\":false,\"name\":\"parley-bench\","
    "\"lang\":\"cpp\",\"version\":\"0.1.0\",\"protocol\":1}\r\n";

void append_subject(ByteBuffer& out, char kind, std::uint32_t id) {
    out.append_byte(kind);
    out.append_byte('.');
    wire::append_decimal(out, id);
}

void write_publish(ByteBuffer& out, char kind, const Outgoing& message) {
    out.append("PUB ");
    append_subject(out, kind, message.to);
    out.append_byte(' ');
    wire::append_decimal(out, message.payload_size);
    out.append("\r\n");
    write_payload(out.prepare(message.payload_size + 2), message.payload_size, message.stamp);
    out.commit(message.payload_size);
    out.append("\r\n");
}

class NatsProtocol final : public ProtocolAdapter {
  public:
    void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) override {
        out.append(kConnect);
        std::uint32_t sid = 1;
        if (login.inbox) {
            out.append("SUB ");
            append_subject(out, 'u', login.user_id);
            out.append_byte(' ');
            wire::append_decimal(out, sid++);
            out.append("\r\n");
        }
        for (const auto group : login.groups) {
            out.append("SUB ");
            append_subject(out, 'g', group);
            out.append_byte(' ');
            wire::append_decimal(out, sid++);
            out.append("\r\n");
        }
        // The PONG proves CONNECT and every SUB before it were processed.
        out.append("PING\r\n");
        state.awaiting = 1;
    }

    void write_private(const Outgoing& message, ProtocolState& /*state*/,
                       ByteBuffer& out) override {
        write_publish(out, 'u', message);
    }

    void write_group(const Outgoing& message, ProtocolState& /*state*/, ByteBuffer& out) override {
        write_publish(out, 'g', message);
    }

    void write_heartbeat(ProtocolState& /*state*/, ByteBuffer& out) override {
        out.append("PING\r\n");
    }

    bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& out, Connection& connection,
               ProtocolEvents& events) override {
        while (!in.empty()) {
            const std::string_view data(in.data(), in.size());
            const auto newline = data.find('\n');
            if (newline == std::string_view::npos) {
                break;
            }
            std::string_view line = data.substr(0, newline);
            if (line.ends_with('\r')) {
                line.remove_suffix(1);
            }
            std::size_t used = newline + 1;
            if (line.starts_with("MSG ")) {
                const auto space = line.rfind(' ');
                const auto size = wire::parse_decimal(line.substr(space + 1));
                if (!size) {
                    events.on_refused(connection, "malformed MSG from nats-server");
                    return false;
                }
                if (data.size() < used + *size + 2) {
                    break;
                }
                events.on_delivery(connection, data.substr(used, *size));
                used += *size + 2;
            } else if (line == "PING") {
                out.append("PONG\r\n");
            } else if (line == "PONG") {
                if (state.awaiting > 0 && --state.awaiting == 0) {
                    events.on_ready(connection);
                }
            } else if (line.starts_with("-ERR")) {
                events.on_refused(connection, line);
            }
            // INFO and +OK need nothing.
            in.consume(used);
        }
        return true;
    }
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_nats_protocol() {
    return std::make_unique<NatsProtocol>();
}

}  // namespace parley::bench
