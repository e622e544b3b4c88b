#include <algorithm>
#include <cstring>
#include <string>

#include <parley/frame_decoder.hpp>

namespace parley {

std::size_t FrameDecoder::consume(std::span<const std::uint8_t> input) {
    if (failed() || ready_ || input.empty()) {
        return 0;
    }
    std::size_t used = 0;

    // The magic is checked on its own, so garbage is refused at its first byte.
    if (header_filled_ == 0 && input[0] != kFrameMagic) {
        static constexpr char kHex[] = "0123456789abcdef";
        fail(ErrorCode::bad_frame, std::string{"bad magic byte 0x"} + kHex[input[0] >> 4] +
                                       kHex[input[0] & 0xF] + ", expected 0xab");
        return 1;
    }
    if (header_filled_ < kFrameHeaderSize) {
        const std::size_t take =
            std::min<std::size_t>(kFrameHeaderSize - header_filled_, input.size());
        std::memcpy(header_ + header_filled_, input.data(), take);
        header_filled_ = static_cast<std::uint8_t>(header_filled_ + take);
        used += take;
        if (header_filled_ >= 5) {
            const std::uint32_t length = get_u32(header_ + 1);
            if (length < kMinFrameLength) {
                fail(ErrorCode::bad_frame, "frame length " + std::to_string(length) +
                                               " is shorter than the 13-byte header");
                return used;
            }
            if (length - kMinFrameLength > max_body_size_) {
                fail(ErrorCode::frame_too_large,
                     "frame body of " + std::to_string(length - kMinFrameLength) +
                         " bytes exceeds the limit of " + std::to_string(max_body_size_));
                return used;
            }
        }
        if (header_filled_ < kFrameHeaderSize) {
            return used;
        }
        // Header complete and checked: now the body may be allocated, at most the first part
        // of it, so that a header alone never reserves a large body.
        frame_ = Frame::allocate(std::min(announced_body(), kInitialBodyAllocation));
        std::memcpy(frame_.mutable_bytes().data(), header_, kFrameHeaderSize);
        body_filled_ = 0;
    }

    for (;;) {
        const auto body = frame_.mutable_bytes().subspan(kFrameHeaderSize);
        const std::size_t take =
            std::min<std::size_t>(body.size() - body_filled_, input.size() - used);
        if (take > 0) {
            std::memcpy(body.data() + body_filled_, input.data() + used, take);
            body_filled_ += static_cast<std::uint32_t>(take);
            used += take;
        }
        if (body_filled_ == announced_body()) {
            ready_ = true;
            return used;
        }
        if (used == input.size()) {
            return used;
        }
        grow_body();  // the frame is full, more body bytes are here
    }
}

std::uint32_t FrameDecoder::announced_body() const noexcept {
    return get_u32(header_ + 1) - kMinFrameLength;
}

void FrameDecoder::grow_body() {
    const std::uint32_t have = body_filled_;
    const std::uint32_t room = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::uint64_t{have} * 2, announced_body()));
    Frame bigger = Frame::allocate(room);
    std::memcpy(bigger.mutable_bytes().data(), frame_.bytes().data(), kFrameHeaderSize + have);
    frame_ = std::move(bigger);
}

void FrameDecoder::fail(ErrorCode code, const std::string& message) {
    failure_ = std::make_unique<Error>(code, message);
}

Frame FrameDecoder::take_frame() noexcept {
    // A grown frame was allocated with a smaller length; the header as received is the truth.
    std::memcpy(frame_.mutable_bytes().data(), header_, kFrameHeaderSize);
    ready_ = false;
    header_filled_ = 0;
    body_filled_ = 0;
    return std::move(frame_);
}

}  // namespace parley
