// The NATS client protocol (text): CONNECT, SUB, PUB, PING/PONG out; INFO, MSG, PING/PONG, +OK
// and -ERR in. A user's inbox is the subject u.<id>, a group is g.<id>. CONNECT asks for no
// echo, so a group member does not get its own messages back (Parley does not send them either).
//
// With JetStream (--durable) the same subjects are captured by one file-backed stream
// (jetstream_api.hpp; the run creates it first, see jetstream_setup.hpp). A user then:
// subscribes to a.<id> (its PubAcks), r.<id> (API replies) and d.<id> (deliveries); creates one
// push consumer per inbox or group it reads, delivering to d.<id>; and publishes every message
// with the reply subject a.<id>, so the stream answers each with a PubAck once it is stored.
#include <cstring>

#include "jetstream_api.hpp"
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

/// `reply_to` is the user whose a.<id> gets the PubAck; 0 publishes without a reply subject.
void write_publish(ByteBuffer& out, char kind, const Outgoing& message, std::uint32_t reply_to) {
    out.append("PUB ");
    append_subject(out, kind, message.to);
    out.append_byte(' ');
    if (reply_to != 0) {
        append_subject(out, 'a', reply_to);
        out.append_byte(' ');
    }
    wire::append_decimal(out, message.payload_size);
    out.append("\r\n");
    write_payload(out.prepare(message.payload_size + 2), message.payload_size, message.stamp);
    out.commit(message.payload_size);
    out.append("\r\n");
}

void write_subscribe(ByteBuffer& out, char kind, std::uint32_t id, std::uint32_t sid) {
    out.append("SUB ");
    append_subject(out, kind, id);
    out.append_byte(' ');
    wire::append_decimal(out, sid);
    out.append("\r\n");
}

/// PUB $JS.API.CONSUMER.CREATE.<stream> r.<user> with a consumer of `kind`.<id> for the user.
void write_consumer_create(ByteBuffer& out, std::uint32_t user, char kind, std::uint32_t id) {
    const std::string deliver = "d." + std::to_string(user);
    const std::string filter = std::string{kind} + "." + std::to_string(id);
    const auto body = jetstream::consumer_config(deliver, filter);
    out.append("PUB ");
    out.append(jetstream::kConsumerCreate);
    out.append(" ");
    append_subject(out, 'r', user);
    out.append_byte(' ');
    wire::append_decimal(out, body.size());
    out.append("\r\n");
    out.append(body);
    out.append("\r\n");
}

class NatsProtocol final : public ProtocolAdapter {
  public:
    explicit NatsProtocol(bool jetstream) : jetstream_(jetstream) {}

    void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) override {
        if (jetstream_) {
            write_jetstream_login(login, state, out);
            return;
        }
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

    void write_private(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_publish(out, 'u', message, state);
    }

    void write_group(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_publish(out, 'g', message, state);
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
                const auto payload = data.substr(used, *size);
                if (jetstream_) {
                    on_jetstream_message(line[4], payload, state, connection, events);
                } else {
                    events.on_delivery(connection, payload);
                }
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

  private:
    void write_publish(ByteBuffer& out, char kind, const Outgoing& message,
                       const ProtocolState& state) const {
        parley::bench::write_publish(out, kind, message, jetstream_ ? state.user_id : 0);
    }

    static void write_jetstream_login(const LoginRequest& login, ProtocolState& state,
                                      ByteBuffer& out) {
        state.user_id = login.user_id;
        out.append(kConnect);
        write_subscribe(out, 'a', login.user_id, 1);
        write_subscribe(out, 'r', login.user_id, 2);
        write_subscribe(out, 'd', login.user_id, 3);
        // Each consumer is answered on r.<id>; the login is complete when all are and the PONG
        // has come back.
        state.awaiting = 1;
        if (login.inbox) {
            write_consumer_create(out, login.user_id, 'u', login.user_id);
            ++state.awaiting;
        }
        for (const auto group : login.groups) {
            write_consumer_create(out, login.user_id, 'g', group);
            ++state.awaiting;
        }
        out.append("PING\r\n");
    }

    /// A MSG on a.<id> is a PubAck, on r.<id> an API reply, on d.<id> a delivery.
    static void on_jetstream_message(char subject, std::string_view payload, ProtocolState& state,
                                     Connection& connection, ProtocolEvents& events) {
        switch (subject) {
            case 'a':
                if (jetstream::is_error(payload)) {
                    events.on_refused(connection, payload);
                } else {
                    events.on_ack(connection);
                }
                return;
            case 'r':
                if (jetstream::is_error(payload)) {
                    events.on_refused(connection, payload);
                } else if (state.awaiting > 0 && --state.awaiting == 0) {
                    events.on_ready(connection);
                }
                return;
            default:
                events.on_delivery(connection, payload);
                return;
        }
    }

    bool jetstream_;
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_nats_protocol(bool jetstream) {
    return std::make_unique<NatsProtocol>(jetstream);
}

}  // namespace parley::bench
