#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "net/byte_stream.hpp"

namespace parley::net {

/// A ByteStream with a scripted peer instead of a socket, to drive a session in tests without
/// the kernel: the peer's calls decide what the session reads (split as the peer likes), how
/// much it may write before the "socket" is full, and which direction closes. Waits complete
/// by posting to the loop, as a socket's would. A pending wait is a timer's wait, so the loop
/// owns it: destroying the loop lets go of the session it holds, as it would a socket's wait.
///
/// Not thread safe: call the peer's side on the loop's thread, between runs of the loop.
class MemoryStream final : public ByteStream {
  public:
    explicit MemoryStream(boost::asio::io_context::executor_type executor,
                          std::string remote = "memory");

    // ByteStream, the session's side:
    std::size_t read_some(std::span<std::uint8_t> into, boost::system::error_code& ec) override;
    std::size_t write_some(const FrameBuffers& buffers, boost::system::error_code& ec) override;
    void wait_readable(std::shared_ptr<StreamWaiter> target) override;
    void wait_writable(std::shared_ptr<StreamWaiter> target) override;
    void shutdown() noexcept override;
    void shutdown_send() noexcept override;
    void close() noexcept override;
    std::string remote_address() const override { return remote_; }

    // The peer's side:
    /// Bytes the peer sends; the session reads them in as few reads as its buffer allows.
    void deliver(std::span<const std::uint8_t> bytes);
    void deliver(std::string_view bytes);
    /// The peer closes its sending side: once the bytes delivered are read, reads say eof.
    void finish_sending();
    /// The peer goes away without reading: the session's writes fail.
    void reset();
    /// At most `bytes` written by the session wait unread by the peer; beyond that the stream
    /// is full (a peer that reads slowly). Unlimited at first.
    void limit_unread(std::size_t bytes);
    /// Takes everything the session wrote so far, making room for more.
    std::vector<std::uint8_t> take_written();
    std::size_t unread_bytes() const noexcept { return written_.size(); }
    /// Bytes the peer delivered that the session has not read yet.
    std::size_t bytes_not_yet_read() const noexcept { return incoming_.size() - incoming_read_; }
    /// The session ended the conversation (shutdown()) / released the stream (close()).
    bool shut_down() const noexcept { return shut_down_; }
    /// The session ended its sending side only (shutdown_send()) or both.
    bool sending_shut_down() const noexcept { return send_shut_down_ || shut_down_; }
    bool closed() const noexcept { return closed_; }

  private:
    bool readable() const noexcept;
    bool writable() const noexcept;
    void wake_reader() { read_wake_.cancel(); }
    void wake_writer() { write_wake_.cancel(); }

    std::string remote_;
    std::vector<std::uint8_t> incoming_;
    std::size_t incoming_read_ = 0;
    std::vector<std::uint8_t> written_;
    std::size_t unread_limit_ = std::numeric_limits<std::size_t>::max();
    // Never expire: a pending wait completes when its timer is cancelled (woken).
    boost::asio::steady_timer read_wake_;
    boost::asio::steady_timer write_wake_;
    bool peer_finished_ = false;
    bool peer_reset_ = false;
    bool shut_down_ = false;
    bool send_shut_down_ = false;
    bool closed_ = false;
};

}  // namespace parley::net
