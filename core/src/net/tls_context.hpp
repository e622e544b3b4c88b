#pragma once

#include <memory>
#include <optional>
#include <string>

#include <openssl/types.h>

#include <parley/peer_identity.hpp>

#include "config/listener_settings.hpp"
#include "net/rate_limited_log.hpp"

namespace parley::net {

/// What every TLS connection of one listener shares: the OpenSSL context made from the
/// listener's `tls:` settings (certificate chain, key, client CAs, versions, ciphers), what a
/// verified client certificate means, and the rate limit of the listener's handshake-failure
/// log lines. Made at start-up; read-only afterwards, so any loop may use it.
class TlsContext {
  public:
    /// Throws ConfigError at the settings' location when a file cannot be used (not PEM, key
    /// not matching the certificate, bad cipher list), with OpenSSL's reason.
    TlsContext(const config::TlsSettings& settings, std::string listener);
    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    SSL_CTX* native() const noexcept { return context_; }
    /// "tls://127.0.0.1:7443", for log lines.
    const std::string& listener() const noexcept { return listener_; }
    /// Once bound (port 0 is then known); before the listener accepts.
    void set_listener(std::string name) { listener_ = std::move(name); }
    RateLimitedLog& failure_log() const noexcept { return failure_log_; }

    /// Who the verified client certificate of `ssl` says the peer is; nothing without one.
    std::optional<PeerIdentity> identity_of(const SSL* ssl) const;

  private:
    SSL_CTX* context_ = nullptr;
    config::TlsSettings::CertificateUser user_from_;
    std::string listener_;
    mutable RateLimitedLog failure_log_{std::chrono::seconds(1)};
};

/// The reason of the last OpenSSL error on this thread ("certificate verify failed"), clearing
/// the queue; `fallback` when there is none.
std::string last_tls_error(const std::string& fallback = "unknown TLS error");

}  // namespace parley::net
