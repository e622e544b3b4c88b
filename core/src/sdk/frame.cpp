#include <cstring>

#include <google/protobuf/message_lite.h>

#include <parley/frame.hpp>

namespace parley {
namespace {

// One allocation for the whole frame; its bytes are written right after, so skip zeroing them.
Frame::Storage allocate_storage(std::size_t size) {
    return std::make_shared_for_overwrite<std::uint8_t[]>(size);
}

void write_header(std::uint8_t* out, std::uint32_t body_size, FrameType type, UserId sender,
                  UserId receiver) noexcept {
    out[0] = kFrameMagic;
    put_u32(out + 1, kMinFrameLength + body_size);
    out[5] = static_cast<std::uint8_t>(type);
    put_u32(out + 6, sender);
    put_u32(out + 10, receiver);
}

}  // namespace

Frame Frame::allocate(std::uint32_t body_size) {
    Frame frame;
    frame.size_ = static_cast<std::uint32_t>(kFrameHeaderSize + body_size);
    frame.data_ = allocate_storage(frame.size_);
    write_header(frame.data_.get(), body_size, FrameType{0}, kNoUser, kNoUser);
    return frame;
}

Frame Frame::make(FrameType type, UserId sender, UserId receiver,
                  std::span<const std::uint8_t> body) {
    Frame frame = allocate(static_cast<std::uint32_t>(body.size()));
    write_header(frame.data_.get(), static_cast<std::uint32_t>(body.size()), type, sender,
                 receiver);
    if (!body.empty()) {
        std::memcpy(frame.data_.get() + kFrameHeaderSize, body.data(), body.size());
    }
    return frame;
}

Frame Frame::make(FrameType type, UserId sender, UserId receiver,
                  const google::protobuf::MessageLite& body) {
    const auto body_size = static_cast<std::uint32_t>(body.ByteSizeLong());
    Frame frame = allocate(body_size);
    write_header(frame.data_.get(), body_size, type, sender, receiver);
    body.SerializeWithCachedSizesToArray(frame.data_.get() + kFrameHeaderSize);
    return frame;
}

UserId Frame::sender() const noexcept {
    return get_u32(data_.get() + 6);
}
UserId Frame::receiver() const noexcept {
    return get_u32(data_.get() + 10);
}

bool Frame::parse_body(google::protobuf::MessageLite& message) const {
    const auto view = body();
    return message.ParseFromArray(view.data(), static_cast<int>(view.size()));
}

void Frame::set_sender(UserId sender) noexcept {
    put_u32(data_.get() + 6, sender);
}

}  // namespace parley
