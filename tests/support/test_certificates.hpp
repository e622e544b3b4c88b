#pragma once
// A throw-away PKI for TLS tests, made at test time with OpenSSL's API (nothing committed): a
// CA, server certificates good, expired and for the wrong host, one from a CA nobody trusts,
// and client certificates whose CN names a user.

#include <filesystem>
#include <string>

namespace parley::test {

struct CertificatePair {
    std::filesystem::path certificate;  ///< PEM
    std::filesystem::path key;          ///< PEM, unencrypted
};

/// Writes every file into `dir` (which must exist).
class TestCertificates {
  public:
    explicit TestCertificates(const std::filesystem::path& dir);

    std::filesystem::path ca;    ///< the CA certificate both sides trust
    CertificatePair server;      ///< CN and SAN localhost, SAN IP 127.0.0.1
    CertificatePair expired;     ///< as server, but expired yesterday
    CertificatePair wrong_host;  ///< SAN wrong.example only
    CertificatePair untrusted;   ///< as server, signed by another CA
    CertificatePair user_42;     ///< client certificate, CN "42"
    CertificatePair user_43;     ///< client certificate, CN "43"
};

}  // namespace parley::test
