#pragma once

#include <string>

namespace parley::client {

/// How the client speaks to tls:// endpoints.
struct TlsOptions {
    /// PEM CA certificates the server's certificate must chain to; empty: the system's store.
    std::string ca_file;
    /// Check the server's certificate (chain, dates, host name). Off only for testing: any
    /// server, or anyone in between, is then accepted.
    bool verify = true;
    /// For mutual TLS: this client's certificate chain and key (PEM); empty: none.
    std::string certificate_file;
    std::string key_file;
};

}  // namespace parley::client
