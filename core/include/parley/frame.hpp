#pragma once
// The wire frame: [magic 0xAB:1][length:4][type:1][sender:4][receiver:4][body], big-endian,
// `length` counting every byte after the magic. docs/protocol.md is the contract.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include <parley/types.hpp>

namespace google::protobuf {
class MessageLite;
}

namespace parley {

inline constexpr std::uint8_t kFrameMagic = 0xAB;
/// Bytes before the body: magic + length + type + sender + receiver.
inline constexpr std::size_t kFrameHeaderSize = 14;
/// `length` of a frame with an empty body.
inline constexpr std::uint32_t kMinFrameLength = kFrameHeaderSize - 1;

/// Frame types below 0x80 belong to Parley; 0x80-0xFF are free for third-party handler plugins.
enum class FrameType : std::uint8_t {
    handshake = 0x01,
    heartbeat = 0x02,
    group_message = 0x03,
    private_message = 0x04,
    ack = 0x05,
    error = 0x06,
    presence = 0x07,
    group_join = 0x08,
    group_leave = 0x09,
    goodbye = 0x0A,
    received = 0x0B,
    sync = 0x0C,
    history = 0x0D,
    rpc = 0x0E,         ///< RPC REQUEST and RPC RESPONSE, on an RPC listener (docs/rpc.md)
    rpc_cancel = 0x0F,  ///< RPC CANCEL
};
inline constexpr std::uint8_t kFirstPluginFrameType = 0x80;

/// One encoded frame, header included, in a single shared allocation: copying a Frame copies a
/// pointer, so a message fanned out to many sessions is encoded once.
///
/// A Frame is immutable once shared. Only its creator may patch it (set_sender) before handing
/// it on; this is how the server stamps the authenticated sender without re-encoding the body.
class Frame {
  public:
    Frame() = default;

    /// Encodes a frame around `body`.
    static Frame make(FrameType type, UserId sender, UserId receiver,
                      std::span<const std::uint8_t> body);
    /// Encodes a frame around a serialized protobuf message.
    static Frame make(FrameType type, UserId sender, UserId receiver,
                      const google::protobuf::MessageLite& body);
    /// A frame of `body_size` body bytes with a valid header whose type, sender and receiver
    /// are zero; the decoder fills it in.
    static Frame allocate(std::uint32_t body_size);

    bool empty() const noexcept { return size_ == 0; }
    FrameType type() const noexcept { return FrameType{data_[5]}; }
    std::uint8_t raw_type() const noexcept { return data_[5]; }
    UserId sender() const noexcept;
    UserId receiver() const noexcept;

    /// The whole frame as sent on the wire.
    std::span<const std::uint8_t> bytes() const noexcept { return {data_.get(), size_}; }
    std::span<const std::uint8_t> body() const noexcept {
        return {data_.get() + kFrameHeaderSize, size_ - kFrameHeaderSize};
    }
    /// Parses the body into `message`; false when the body is not that message.
    bool parse_body(google::protobuf::MessageLite& message) const;

    /// Writable view of the whole frame, for whoever created it and has not shared it yet.
    std::span<std::uint8_t> mutable_bytes() noexcept { return {data_.get(), size_}; }
    void set_sender(UserId sender) noexcept;

    using Storage = std::shared_ptr<std::uint8_t[]>;

  private:
    Storage data_;
    std::uint32_t size_ = 0;
};

/// Big-endian helpers shared by the codec and anyone writing frames by hand.
inline void put_u32(std::uint8_t* out, std::uint32_t value) noexcept {
    out[0] = static_cast<std::uint8_t>(value >> 24);
    out[1] = static_cast<std::uint8_t>(value >> 16);
    out[2] = static_cast<std::uint8_t>(value >> 8);
    out[3] = static_cast<std::uint8_t>(value);
}
inline std::uint32_t get_u32(const std::uint8_t* in) noexcept {
    return (std::uint32_t{in[0]} << 24) | (std::uint32_t{in[1]} << 16) |
           (std::uint32_t{in[2]} << 8) | std::uint32_t{in[3]};
}

}  // namespace parley
