// The WebSocket frame reader (core/src/net/ws_frame_reader.hpp): for any byte stream from a
// client, cut into any pieces, it decodes the same data, writes the same replies and ends in the
// same state as when the stream arrives in one piece; and while it stays open, the data it
// hands on is exactly the unmasked payloads of the stream's data frames, as a plain reading of
// RFC 6455 finds them.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "fuzz_check.hpp"
#include "net/ws_frame_reader.hpp"

namespace {

using parley::net::ws::FrameReader;

struct Decoded {
    std::vector<std::uint8_t> data;
    std::string replies;
    FrameReader::Status status = FrameReader::Status::open;
};

Decoded decode_in_pieces(std::vector<std::uint8_t> stream, const std::vector<std::size_t>& cuts,
                         std::uint64_t max_message) {
    FrameReader reader(max_message);
    Decoded decoded;
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= cuts.size(); ++i) {
        const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
        const std::span<std::uint8_t> piece(stream.data() + begin, end - begin);
        const std::size_t data = reader.decode(piece, decoded.replies);
        PARLEY_FUZZ_CHECK(data <= piece.size());
        decoded.data.insert(decoded.data.end(), piece.begin(),
                            piece.begin() + static_cast<std::ptrdiff_t>(data));
        begin = end;
    }
    decoded.status = reader.status();
    return decoded;
}

/// The payload bytes of every data frame, unmasked, read frame by frame until the stream ends
/// or a frame is incomplete. Only compared while the reader under test stays open, so it need
/// not judge which frames are errors.
std::vector<std::uint8_t> data_payloads(const std::vector<std::uint8_t>& stream) {
    std::vector<std::uint8_t> data;
    std::size_t at = 0;
    while (stream.size() - at >= 2) {
        const std::uint8_t opcode = stream[at] & 0x0F;
        std::uint64_t length = stream[at + 1] & 0x7F;
        std::size_t header = 2;
        if (length == 126 || length == 127) {
            const std::size_t bytes = length == 126 ? 2 : 8;
            if (stream.size() - at < 2 + bytes) {
                break;
            }
            length = 0;
            for (std::size_t i = 0; i < bytes; ++i) {
                length = (length << 8) | stream[at + 2 + i];
            }
            header += bytes;
        }
        const bool masked = (stream[at + 1] & 0x80) != 0;
        const std::size_t mask_at = at + header;
        header += masked ? 4 : 0;
        if (stream.size() - at < header) {
            break;
        }
        const std::size_t payload_at = at + header;
        const std::uint64_t available = stream.size() - payload_at;
        const std::uint64_t take = length < available ? length : available;
        if ((opcode & 0x8) == 0) {
            for (std::uint64_t i = 0; i < take; ++i) {
                const std::uint8_t mask = masked ? stream[mask_at + (i & 3)] : 0;
                data.push_back(stream[payload_at + i] ^ mask);
            }
        }
        if (take < length) {
            break;
        }
        at = payload_at + length;
    }
    return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    FuzzedDataProvider input(bytes, size);
    const std::uint64_t max_message = input.ConsumeIntegralInRange<std::uint64_t>(0, 1 << 16);
    std::vector<std::size_t> cuts(input.ConsumeIntegralInRange<std::size_t>(0, 8));
    const std::vector<std::uint8_t> stream = input.ConsumeRemainingBytes<std::uint8_t>();
    // Cut points from the stream's own length, sorted, so every piece is well formed.
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        cuts[i] = stream.empty() ? 0 : (i * 7919 + stream[i % stream.size()]) % (stream.size() + 1);
    }
    std::sort(cuts.begin(), cuts.end());

    const Decoded whole = decode_in_pieces(stream, {}, max_message);
    const Decoded pieces = decode_in_pieces(stream, cuts, max_message);
    PARLEY_FUZZ_CHECK(pieces.data == whole.data);
    PARLEY_FUZZ_CHECK(pieces.replies == whole.replies);
    PARLEY_FUZZ_CHECK(pieces.status == whole.status);
    if (whole.status == FrameReader::Status::open) {
        PARLEY_FUZZ_CHECK(whole.data == data_payloads(stream));
    } else {
        // Whatever stopped it, the client is told with a close frame.
        PARLEY_FUZZ_CHECK(!whole.replies.empty());
    }
    return 0;
}
