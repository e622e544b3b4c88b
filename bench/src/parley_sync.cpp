#include "parley_sync.hpp"

#include "wire_helpers.hpp"

namespace parley::bench {
namespace {

void put_varint_field(std::string& out, std::uint32_t number, std::uint64_t value) {
    char bytes[20];
    std::size_t n = wire::put_varint(bytes, std::uint64_t{number} << 3);
    n += wire::put_varint(bytes + n, value);
    out.append(bytes, n);
}

void put_bytes_field(std::string& out, std::uint32_t number, std::string_view value) {
    char bytes[20];
    std::size_t n = wire::put_varint(bytes, (std::uint64_t{number} << 3) | 2);
    n += wire::put_varint(bytes + n, value.size());
    out.append(bytes, n);
    out.append(value);
}

}  // namespace

std::string sync_request_body(std::uint64_t client_msg_id, std::span<const SyncPosition> positions,
                              std::uint32_t limit) {
    std::string body;
    put_varint_field(body, 1, client_msg_id);
    for (const auto& position : positions) {
        std::string encoded;  // Position{kind, peer, seq, epoch}
        put_varint_field(encoded, 1, position.kind);
        put_varint_field(encoded, 2, position.peer);
        put_varint_field(encoded, 3, position.seq);
        put_varint_field(encoded, 4, position.epoch);
        put_bytes_field(body, 2, encoded);
    }
    put_varint_field(body, 3, limit);
    return body;
}

SyncRoundEnd parse_sync_done(std::string_view body) {
    SyncRoundEnd end;
    wire::ProtoField field;
    while (wire::next_field(body, field)) {
        if (field.number == 3) {
            end.more = field.varint != 0;
        } else if (field.number == 2) {
            // StreamState{kind 1, peer 2, epoch 3, first_seq 4, last_seq 5, delivered 6, ...}
            SyncPosition stream;
            std::string_view state = field.bytes;
            wire::ProtoField inner;
            while (wire::next_field(state, inner)) {
                switch (inner.number) {
                    case 1:
                        stream.kind = static_cast<std::uint32_t>(inner.varint);
                        break;
                    case 2:
                        stream.peer = static_cast<std::uint32_t>(inner.varint);
                        break;
                    case 3:
                        stream.epoch = inner.varint;
                        break;
                    case 6:
                        stream.seq = inner.varint;
                        break;
                    default:
                        break;
                }
            }
            end.streams.push_back(stream);
        }
    }
    return end;
}

}  // namespace parley::bench
