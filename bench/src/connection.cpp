#include "connection.hpp"

#include <string>

#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/error.hpp>
#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace parley::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// EOF, a TLS stream cut without close_notify, or a WebSocket close from the server.
bool closed_by_server(const boost::system::error_code& error) {
    return error == asio::error::eof || error == asio::ssl::error::stream_truncated ||
           error == boost::beast::websocket::error::closed;
}

}  // namespace

void Loop::flush() {
    // start_write never marks a connection dirty, so the list is stable while we walk it.
    for (Connection* connection : dirty_) {
        connection->dirty_ = false;
        connection->start_write();
    }
    dirty_.clear();
}

Connection::Connection(Loop& loop, ProtocolAdapter& protocol, ConnectionEvents& events,
                       std::uint32_t user, std::size_t read_chunk, StreamLayerFactory* layers)
    : loop_(loop),
      protocol_(protocol),
      events_(events),
      socket_(loop.io()),
      layers_(layers),
      read_chunk_(read_chunk),
      user_(user) {}

Connection::~Connection() {
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (layer_) {
        layer_->close(false);
    }
}

void Connection::open(const tcp::endpoint& server, const std::optional<asio::ip::address>& source,
                      const LoginRequest& login) {
    ++generation_;
    open_ = true;
    ready_ = false;
    writing_ = false;
    reading_ = false;
    connected_ = false;
    in_.clear();
    out_.clear();
    writing_buffer_.clear();
    state_ = ProtocolState{};
    opened_ns_ = steady_ns();
    layer_.reset();  // pending handlers of the last opening keep theirs alive
    server_ = server;

    boost::system::error_code error;
    socket_.open(server.protocol(), error);
    if (!error && source) {
        // Let connect() pick the port per destination, so many source addresses multiply the
        // ports available instead of each bind() taking one from a shared pool.
        const int one = 1;
        ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                     sizeof one);
        socket_.bind(tcp::endpoint(*source, 0), error);
    }
    if (error) {
        fail("socket: " + error.message());
        return;
    }
    socket_.async_connect(server, [this, generation = generation_,
                                   login](const boost::system::error_code& connect_error) {
        if (generation == generation_) {
            on_connected(connect_error, login);
        }
    });
}

void Connection::on_connected(const boost::system::error_code& error, const LoginRequest& login) {
    if (error) {
        fail("connect: " + error.message());
        return;
    }
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    if (layers_ == nullptr) {
        start_session(login);
        return;
    }
    try {
        layer_ = layers_->make(std::move(socket_), server_);
    } catch (const std::exception& e) {
        fail(std::string{"transport setup: "} + e.what());
        return;
    }
    layer_->async_handshake([this, generation = generation_, keep = layer_,
                             login](const boost::system::error_code& handshake_error) {
        if (generation != generation_) {
            return;
        }
        if (handshake_error) {
            fail("handshake: " + handshake_error.message());
            return;
        }
        start_session(login);
    });
}

void Connection::start_session(const LoginRequest& login) {
    protocol_.write_login(login, state_, out_);
    if (!out_.empty()) {
        queued();
    }
    in_.reserve(read_chunk_);
    connected_ = true;
    reading_ = !reads_held_;
    if (reading_) {
        read();
    }
    if (state_.awaiting == 0) {
        on_ready(*this);
    }
    loop_.flush();
}

void Connection::close(bool abortive) {
    if (!open_) {
        return;
    }
    open_ = false;
    ++generation_;  // whatever is still pending belongs to the old socket
    boost::system::error_code ignored;
    if (abortive) {
        socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    }
    socket_.close(ignored);
    if (layer_) {
        layer_->close(abortive);
    }
}

void Connection::resume_reads() {
    reads_held_ = false;
    if (open_ && connected_ && !reading_) {
        reading_ = true;
        read();
    }
}

void Connection::read() {
    std::size_t free = in_.writable();
    if (free < read_chunk_ / 2) {
        in_.prepare(read_chunk_);
        free = in_.writable();
    }
    if (layer_) {
        read_layer(free);
        return;
    }
    const auto handler = [this, generation = generation_](const boost::system::error_code& error,
                                                          std::size_t bytes) {
        if (generation == generation_) {
            on_read(error, bytes);
        }
    };
    socket_.async_read_some(asio::buffer(in_.prepare(free), free),
                            asio::bind_allocator(loop_.allocator(), handler));
}

void Connection::read_layer(std::size_t free) {
    const auto handler = [this, generation = generation_, keep = layer_](
                             const boost::system::error_code& error, std::size_t bytes) {
        if (generation == generation_) {
            on_read(error, bytes);
        }
    };
    layer_->async_read_some(asio::buffer(in_.prepare(free), free),
                            asio::bind_allocator(loop_.allocator(), handler));
}

void Connection::on_read(const boost::system::error_code& error, std::size_t bytes) {
    if (error) {
        fail(closed_by_server(error) ? "closed by the server" : "read: " + error.message());
        return;
    }
    loop_.stamp_batch();
    in_.commit(bytes);
    const auto generation = generation_;
    const bool keep = protocol_.parse(in_, state_, out_, *this, *this);
    if (generation != generation_) {
        loop_.flush();
        return;  // a handler closed this connection
    }
    if (!keep) {
        fail("protocol");
        loop_.flush();
        return;
    }
    if (!out_.empty()) {
        queued();
    }
    loop_.flush();
    read();
}

void Connection::start_write() {
    if (writing_ || out_.empty() || !open_) {
        return;
    }
    writing_ = true;
    writing_buffer_.swap(out_);
    if (layer_) {
        write_layer();
        return;
    }
    const auto handler = [this, generation = generation_](const boost::system::error_code& error,
                                                          std::size_t /*bytes*/) {
        if (generation == generation_) {
            on_written(error);
        }
    };
    asio::async_write(socket_, asio::buffer(writing_buffer_.data(), writing_buffer_.size()),
                      asio::bind_allocator(loop_.allocator(), handler));
}

void Connection::write_layer() {
    const auto handler = [this, generation = generation_,
                          keep = layer_](const boost::system::error_code& error) {
        if (generation == generation_) {
            on_written(error);
        }
    };
    layer_->async_write(asio::buffer(writing_buffer_.data(), writing_buffer_.size()),
                        asio::bind_allocator(loop_.allocator(), handler));
}

void Connection::on_written(const boost::system::error_code& error) {
    writing_ = false;
    writing_buffer_.clear();
    if (error) {
        fail("write: " + error.message());
        return;
    }
    start_write();
}

void Connection::fail(std::string_view reason) {
    if (!open_) {
        return;
    }
    close();
    events_.on_closed(*this, reason);
}

void Connection::on_ready(Connection& connection) {
    ready_ = true;
    events_.on_ready(connection);
}

void Connection::on_delivery(Connection& connection, std::string_view payload) {
    events_.on_delivery(connection, payload);
}

void Connection::on_ack(Connection& connection) {
    events_.on_ack(connection);
}

void Connection::on_refused(Connection& connection, std::string_view reason) {
    events_.on_refused(connection, reason);
}

void Connection::on_sync_done(Connection& connection, const SyncRoundEnd& end) {
    events_.on_sync_done(connection, end);
}

}  // namespace parley::bench
