// FrameDecoder against a plain reading of docs/protocol.md, section 2: whatever the bytes and
// however a socket splits them, the decoder hands out exactly the frames the protocol says are
// there, and fails exactly where the protocol says the stream stops making sense.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include <parley/frame_decoder.hpp>

#include "fuzz_check.hpp"

namespace {

using parley::ErrorCode;

struct Expected {
    std::vector<std::vector<std::uint8_t>> frames;  ///< whole frames, header included
    std::optional<ErrorCode> failure;               ///< where the stream goes bad, if it does
};

// The reference: the stream read frame by frame as the protocol page describes it.
Expected reference_decode(const std::vector<std::uint8_t>& stream, std::uint32_t max_body) {
    Expected out;
    std::size_t at = 0;
    while (at < stream.size()) {
        if (stream[at] != parley::kFrameMagic) {
            out.failure = ErrorCode::bad_frame;
            return out;
        }
        if (stream.size() - at < 5) {
            return out;  // a header still arriving
        }
        const std::uint32_t length = parley::get_u32(stream.data() + at + 1);
        if (length < parley::kMinFrameLength) {
            out.failure = ErrorCode::bad_frame;
            return out;
        }
        if (length - parley::kMinFrameLength > max_body) {
            out.failure = ErrorCode::frame_too_large;
            return out;
        }
        if (stream.size() - at < std::size_t{length} + 1) {
            return out;  // a frame still arriving
        }
        out.frames.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(at),
                                stream.begin() + static_cast<std::ptrdiff_t>(at + length + 1));
        at += std::size_t{length} + 1;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    // Small limits reach frame_too_large; the server's own default is 64 KiB.
    const auto max_body = input.ConsumeIntegralInRange<std::uint32_t>(0, 1024);
    // How the reads split the stream: a few chunk sizes used in turn.
    std::vector<std::size_t> chunks(input.ConsumeIntegralInRange<std::size_t>(1, 4));
    for (auto& chunk : chunks) {
        chunk = input.ConsumeIntegralInRange<std::size_t>(1, 64);
    }
    const std::vector<std::uint8_t> stream = input.ConsumeRemainingBytes<std::uint8_t>();
    const Expected expected = reference_decode(stream, max_body);

    parley::FrameDecoder decoder(max_body);
    std::vector<std::vector<std::uint8_t>> frames;
    std::size_t at = 0;
    for (std::size_t read = 0; at < stream.size() && !decoder.failed(); ++read) {
        const std::size_t n = std::min(chunks[read % chunks.size()], stream.size() - at);
        std::span<const std::uint8_t> rest(stream.data() + at, n);
        while (!rest.empty() && !decoder.failed()) {
            const std::size_t used = decoder.consume(rest);
            PARLEY_FUZZ_CHECK(used <= rest.size());
            PARLEY_FUZZ_CHECK(used > 0 || decoder.failed());
            rest = rest.subspan(used);
            if (decoder.frame_ready()) {
                const parley::Frame frame = decoder.take_frame();
                frames.emplace_back(frame.bytes().begin(), frame.bytes().end());
                PARLEY_FUZZ_CHECK(frame.body().size() <= max_body);
                PARLEY_FUZZ_CHECK(decoder.idle());
            }
        }
        at += n;
    }

    PARLEY_FUZZ_CHECK(frames == expected.frames);
    PARLEY_FUZZ_CHECK(decoder.failed() == expected.failure.has_value());
    if (decoder.failed()) {
        PARLEY_FUZZ_CHECK(decoder.failure().code() == *expected.failure);
        // A failed decoder takes nothing more: the byte boundaries are lost.
        const std::uint8_t more[] = {parley::kFrameMagic, 0, 0, 0, 13};
        PARLEY_FUZZ_CHECK(decoder.consume(more) == 0);
    } else {
        // What is left over is the start of a frame, and the decoder knows it.
        std::size_t whole = 0;
        for (const auto& frame : frames) {
            whole += frame.size();
        }
        PARLEY_FUZZ_CHECK(decoder.idle() == (whole == stream.size()));
    }
    return 0;
}
