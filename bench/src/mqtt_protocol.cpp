// MQTT 3.1.1: CONNECT (clean session, or a persistent one), SUBSCRIBE, PUBLISH at QoS 0 or 1,
// PUBACK both ways, PINGREQ as the heartbeat. A user's inbox is the topic u/<id>, a group is
// g/<id>. MQTT 3.1.1 has no "no local" option, so a group member also receives its own messages;
// the workload recognises and discards them.
#include <string>

#include "protocols.hpp"
#include "wire_helpers.hpp"

namespace parley::bench {
namespace {

constexpr std::uint16_t kKeepAliveSeconds = 60;

enum PacketType : unsigned char {
    connect = 0x10,
    connack = 0x20,
    publish = 0x30,
    puback = 0x40,
    subscribe = 0x82,  // with the reserved flags 0010
    suback = 0x90,
    pingreq = 0xC0,
};

void put_be16(ByteBuffer& out, std::uint32_t value) {
    out.append_byte(static_cast<char>((value >> 8) & 0xFF));
    out.append_byte(static_cast<char>(value & 0xFF));
}

void put_header(ByteBuffer& out, unsigned char type, std::size_t remaining) {
    out.append_byte(static_cast<char>(type));
    char* at = out.prepare(4);
    out.commit(wire::put_varint(at, remaining));
}

std::size_t topic_size(std::uint32_t id) {
    return 2 + wire::decimal_size(id);
}

void put_topic(ByteBuffer& out, char kind, std::uint32_t id) {
    put_be16(out, static_cast<std::uint32_t>(topic_size(id)));
    out.append_byte(kind);
    out.append_byte('/');
    wire::append_decimal(out, id);
}

std::uint32_t next_packet_id(ProtocolState& state) {
    const std::uint32_t id = state.next_id;
    state.next_id = state.next_id >= 0xFFFF ? 1 : state.next_id + 1;
    return id;
}

std::uint32_t get_be16(const char* in) {
    return (std::uint32_t{static_cast<unsigned char>(in[0])} << 8) |
           std::uint32_t{static_cast<unsigned char>(in[1])};
}

class MqttProtocol final : public ProtocolAdapter {
  public:
    MqttProtocol(int qos, bool persistent_session)
        : qos_(qos), persistent_session_(persistent_session) {}

    void write_login(const LoginRequest& login, ProtocolState& state, ByteBuffer& out) override {
        const std::string client_id = "pb-" + std::to_string(login.user_id);
        put_header(out, connect, 10 + 2 + client_id.size());
        put_be16(out, 4);
        out.append("MQTT");
        out.append_byte(4);                                  // protocol level 3.1.1
        out.append_byte(persistent_session_ ? 0x00 : 0x02);  // clean session flag
        put_be16(out, kKeepAliveSeconds);
        put_be16(out, static_cast<std::uint32_t>(client_id.size()));
        out.append(client_id);
        state.awaiting = 1;

        std::size_t remaining = 2;
        if (login.inbox) {
            remaining += 2 + topic_size(login.user_id) + 1;
        }
        for (const auto group : login.groups) {
            remaining += 2 + topic_size(group) + 1;
        }
        if (remaining == 2) {
            return;
        }
        // Sent without waiting for CONNACK, as MQTT allows.
        put_header(out, subscribe, remaining);
        put_be16(out, next_packet_id(state));
        if (login.inbox) {
            put_topic(out, 'u', login.user_id);
            out.append_byte(static_cast<char>(qos_));
        }
        for (const auto group : login.groups) {
            put_topic(out, 'g', group);
            out.append_byte(static_cast<char>(qos_));
        }
        ++state.awaiting;
    }

    void write_private(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_publish(out, 'u', message, state);
    }

    void write_group(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        write_publish(out, 'g', message, state);
    }

    void write_heartbeat(ProtocolState& /*state*/, ByteBuffer& out) override {
        out.append_byte(static_cast<char>(pingreq));
        out.append_byte(0);
    }

    bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& out, Connection& connection,
               ProtocolEvents& events) override {
        while (in.size() >= 2) {
            std::string_view data(in.data(), in.size());
            const auto type = static_cast<unsigned char>(data[0]);
            data.remove_prefix(1);
            const auto before = data.size();
            const auto remaining = wire::get_varint(data);
            if (!remaining) {
                if (before >= 4) {
                    events.on_refused(connection, "bad MQTT remaining length");
                    return false;
                }
                break;
            }
            if (data.size() < *remaining) {
                break;
            }
            const std::size_t header = 1 + before - data.size();
            if (!handle(type, data.substr(0, *remaining), state, out, connection, events)) {
                return false;
            }
            in.consume(header + *remaining);
        }
        return true;
    }

  private:
    void write_publish(ByteBuffer& out, char kind, const Outgoing& message, ProtocolState& state) {
        const std::size_t remaining =
            2 + topic_size(message.to) + (qos_ > 0 ? 2 : 0) + message.payload_size;
        put_header(out, static_cast<unsigned char>(publish | (qos_ << 1)), remaining);
        put_topic(out, kind, message.to);
        if (qos_ > 0) {
            put_be16(out, next_packet_id(state));
        }
        write_payload(out.prepare(message.payload_size), message.payload_size, message.stamp);
        out.commit(message.payload_size);
    }

    static bool handle(unsigned char type, std::string_view body, ProtocolState& state,
                       ByteBuffer& out, Connection& connection, ProtocolEvents& events) {
        switch (type & 0xF0) {
            case publish: {
                const int qos = (type >> 1) & 3;
                if (body.size() < 2) {
                    return false;
                }
                std::size_t at = 2 + get_be16(body.data());
                if (qos > 0) {
                    if (body.size() < at + 2) {
                        return false;
                    }
                    out.append_byte(static_cast<char>(puback));
                    out.append_byte(2);
                    out.append(body.substr(at, 2));
                    at += 2;
                }
                if (at > body.size()) {
                    return false;
                }
                events.on_delivery(connection, body.substr(at));
                return true;
            }
            case puback:
                events.on_ack(connection);
                return true;
            case connack:
                if (body.size() < 2 || body[1] != 0) {
                    events.on_refused(connection, "MQTT CONNACK refused the connection");
                    return false;
                }
                login_answer(state, connection, events);
                return true;
            case suback:
                if (body.find(static_cast<char>(0x80), 2) != std::string_view::npos) {
                    events.on_refused(connection, "MQTT SUBACK refused a subscription");
                    return false;
                }
                login_answer(state, connection, events);
                return true;
            default:  // PINGRESP and anything else
                return true;
        }
    }

    static void login_answer(ProtocolState& state, Connection& connection, ProtocolEvents& events) {
        if (state.awaiting > 0 && --state.awaiting == 0) {
            events.on_ready(connection);
        }
    }

    int qos_;
    bool persistent_session_;
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_mqtt_protocol(int qos, bool persistent_session) {
    return std::make_unique<MqttProtocol>(qos, persistent_session);
}

}  // namespace parley::bench
