#include "silent_protocol.hpp"

#include "protocols.hpp"

namespace parley::bench::abuse {

namespace {

class SilentParleyProtocol final : public ProtocolAdapter {
  public:
    SilentParleyProtocol() : parley_(make_parley_protocol()) {}

    void write_login(const LoginRequest& /*login*/, ProtocolState& state,
                     ByteBuffer& /*out*/) override {
        state.awaiting = 0;
    }
    void write_private(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        parley_->write_private(message, state, out);
    }
    void write_group(const Outgoing& message, ProtocolState& state, ByteBuffer& out) override {
        parley_->write_group(message, state, out);
    }
    void write_heartbeat(ProtocolState& state, ByteBuffer& out) override {
        parley_->write_heartbeat(state, out);
    }
    bool parse(ByteBuffer& in, ProtocolState& state, ByteBuffer& out, Connection& connection,
               ProtocolEvents& events) override {
        return parley_->parse(in, state, out, connection, events);
    }

  private:
    std::unique_ptr<ProtocolAdapter> parley_;
};

}  // namespace

std::unique_ptr<ProtocolAdapter> make_silent_parley_protocol() {
    return std::make_unique<SilentParleyProtocol>();
}

}  // namespace parley::bench::abuse
