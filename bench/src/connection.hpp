#pragma once
// One TCP connection of a simulated user: connect (optionally from a given source address),
// put TLS or WebSocket on it when the run asks for them (stream_layer.hpp), log in through the
// protocol adapter, then read and parse continuously. Output is appended to
// out() and written in batches by the Loop; one write is in flight at a time while the next
// batch collects in a second buffer, and both buffers are reused for the connection's life.
// A Connection may be opened again after close() (the connect storm reuses them); handlers of
// an earlier opening are recognised by a generation number and ignored.
// Not thread safe: use from its Loop's thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "byte_buffer.hpp"
#include "loop.hpp"
#include "protocol.hpp"
#include "stream_layer.hpp"

namespace parley::bench {

/// What a workload hears from its connections.
class ConnectionEvents : public ProtocolEvents {
  public:
    /// The connection failed or the server closed it; it is closed now.
    virtual void on_closed(Connection& connection, std::string_view reason) = 0;

  protected:
    ~ConnectionEvents() = default;
};

class Connection final : private ProtocolEvents {
  public:
    /// `user` is the workload's index for the user this connection belongs to; `read_chunk` the
    /// read buffer's initial size (small for idle connections); `layers` makes the TLS or
    /// WebSocket layer of each opening (null: plain TCP). The factory must outlive the
    /// connection.
    Connection(Loop& loop, ProtocolAdapter& protocol, ConnectionEvents& events, std::uint32_t user,
               std::size_t read_chunk, StreamLayerFactory* layers = nullptr);
    virtual ~Connection();  // virtual only because the class has virtual functions
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// Connects and sends the login; ConnectionEvents::on_ready follows when it is complete.
    void open(const boost::asio::ip::tcp::endpoint& server,
              const std::optional<boost::asio::ip::address>& source, const LoginRequest& login);
    /// Closes the socket; `abortive` resets the connection instead (no TIME_WAIT).
    void close(bool abortive = false);

    /// Before open(): the connection writes but does not read until resume_reads(), so the
    /// server's output piles up in the socket buffers (the abuse bench's slow readers).
    void hold_reads() noexcept { reads_held_ = true; }
    /// Starts reading a connection opened with hold_reads(); nothing when it already reads.
    void resume_reads();
    int native_handle() noexcept { return socket_.native_handle(); }

    std::uint32_t user() const noexcept { return user_; }
    bool is_open() const noexcept { return open_; }
    /// The login completed (and the connection has not been opened again since).
    bool ready() const noexcept { return ready_; }
    std::uint64_t opened_ns() const noexcept { return opened_ns_; }
    ProtocolState& state() noexcept { return state_; }
    /// The TLS version and cipher of this opening ("" over plain TCP or ws).
    std::string tls_description() const { return layer_ ? layer_->tls_description() : ""; }

    /// Append output here, then call queued().
    ByteBuffer& out() noexcept { return out_; }
    void queued() {
        if (!dirty_ && !writing_) {
            dirty_ = true;
            loop_.mark_dirty(*this);
        }
    }

    /// Called by Loop::flush.
    void start_write();

  private:
    void on_connected(const boost::system::error_code& error, const LoginRequest& login);
    void start_session(const LoginRequest& login);
    void read();
    void read_layer(std::size_t free);
    void write_layer();
    void on_read(const boost::system::error_code& error, std::size_t bytes);
    void on_written(const boost::system::error_code& error);
    void fail(std::string_view reason);

    void on_ready(Connection& connection) override;
    void on_delivery(Connection& connection, std::string_view payload) override;
    void on_ack(Connection& connection) override;
    void on_refused(Connection& connection, std::string_view reason) override;
    void on_sync_done(Connection& connection, const SyncRoundEnd& end) override;

    Loop& loop_;
    ProtocolAdapter& protocol_;
    ConnectionEvents& events_;
    boost::asio::ip::tcp::socket socket_;  ///< the layer takes it over once connected
    StreamLayerFactory* layers_;
    std::shared_ptr<StreamLayer> layer_;  ///< this opening's TLS or WebSocket, if any
    boost::asio::ip::tcp::endpoint server_;
    ByteBuffer in_;
    ByteBuffer out_;
    ByteBuffer writing_buffer_;
    ProtocolState state_;
    std::size_t read_chunk_;
    std::uint64_t opened_ns_ = 0;
    std::uint32_t user_;
    std::uint32_t generation_ = 0;
    bool open_ = false;
    bool ready_ = false;
    bool writing_ = false;
    bool dirty_ = false;
    bool reads_held_ = false;
    bool reading_ = false;
    bool connected_ = false;

    friend class Loop;
};

}  // namespace parley::bench
