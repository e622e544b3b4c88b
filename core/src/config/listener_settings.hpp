#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <parley/config_node.hpp>

namespace parley::config {

/// A tls or wss listener's `tls:` settings. Paths are resolved against the file naming them.
struct TlsSettings {
    std::filesystem::path certificate;  ///< PEM: the server's certificate, then its chain
    std::filesystem::path key;          ///< PEM private key of that certificate
    std::filesystem::path client_ca;    ///< PEM CAs trusted for client certificates; may be empty
    enum class ClientCertificates { none, optional, required };
    ClientCertificates client_certificates = ClientCertificates::none;
    /// Which name of a verified client certificate is the user id a HANDSHAKE must carry.
    enum class CertificateUser { none, cn, san };
    CertificateUser client_certificate_user = CertificateUser::none;
    std::string min_version = "1.2";  ///< "1.2" or "1.3"
    /// OpenSSL cipher list for TLS 1.2 (1.3 suites are OpenSSL's defaults, all strong).
    std::string ciphers = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!SHA1:!kRSA";
    SourceLocation where;
};

/// A ws or wss listener's `websocket:` settings.
struct WebSocketSettings {
    std::string path = "/parley";              ///< where the upgrade is accepted
    std::vector<std::string> allowed_origins;  ///< empty: any Origin (or none)
    std::filesystem::path static_files;        ///< served to plain GETs; empty: none
};

/// Reads a `tls:` map; throws ConfigError for missing files, unknown keys and bad values.
TlsSettings parse_tls_settings(const ConfigNode& node);
/// Reads a `websocket:` map.
WebSocketSettings parse_websocket_settings(const ConfigNode& node);

struct ListenEndpoint {
    std::string host;
    std::uint16_t port = 0;        ///< 0 picks a free port (tests)
    std::string protocol = "tcp";  ///< what clients speak to it: tcp, tls, ws or wss
    SourceLocation where;
    std::optional<TlsSettings> tls;              ///< tls and wss
    std::optional<WebSocketSettings> websocket;  ///< ws and wss
};

}  // namespace parley::config
