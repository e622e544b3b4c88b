#include "net/tls_context.hpp"

#include <charconv>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace parley::net {
namespace {

using CertificateUser = config::TlsSettings::CertificateUser;
using ClientCertificates = config::TlsSettings::ClientCertificates;

// Session ids resumed on this context must have been made by it (OpenSSL refuses to resume a
// verified session without one).
constexpr unsigned char kSessionContext[] = "parley";

std::string utf8_of(const ASN1_STRING* text) {
    unsigned char* out = nullptr;
    const int n = ASN1_STRING_to_UTF8(&out, text);
    if (n < 0) {
        return {};
    }
    std::string result(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    return result;
}

std::string common_name(X509* certificate) {
    const X509_NAME* subject = X509_get_subject_name(certificate);
    const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at < 0) {
        return {};
    }
    return utf8_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)));
}

// The first DNS name, e-mail address or URI among the subject alternative names.
std::string first_alt_name(X509* certificate) {
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    std::string result;
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names) && result.empty(); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type == GEN_DNS || name->type == GEN_EMAIL || name->type == GEN_URI) {
            result = utf8_of(name->d.ia5);
        }
    }
    GENERAL_NAMES_free(names);
    return result;
}

UserId user_id_of(const std::string& name) {
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
    return ec == std::errc{} && end == name.data() + name.size() ? value : kNoUser;
}

}  // namespace

std::string last_tls_error(const std::string& fallback) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return fallback;
    }
    const char* reason = ERR_reason_error_string(code);
    return reason != nullptr ? reason : fallback;
}

TlsContext::TlsContext(const config::TlsSettings& settings, std::string listener)
    : context_(SSL_CTX_new(TLS_server_method())),
      user_from_(settings.client_certificate_user),
      listener_(std::move(listener)) {
    ERR_clear_error();
    auto fail = [&](const std::string& what) {
        const std::string reason = last_tls_error();
        SSL_CTX_free(context_);
        context_ = nullptr;
        throw ConfigError(settings.where, what + ": " + reason);
    };
    if (context_ == nullptr) {
        fail("cannot create a TLS context");
    }
    SSL_CTX_set_min_proto_version(context_,
                                  settings.min_version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_options(context_, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                      SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Idle connections give their record buffers back; the session's gather writes may stop
    // after any record and resume from a moved buffer.
    SSL_CTX_set_mode(context_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE |
                                   SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // One read takes whatever the socket holds, several records at once; without it each
    // record cost two reads (header, body) and a third that found nothing.
    SSL_CTX_set_read_ahead(context_, 1);
    // No server-side session cache (its memory would grow with connections); resumption uses
    // stateless tickets.
    SSL_CTX_set_session_cache_mode(context_, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(context_, 1);
    SSL_CTX_set_session_id_context(context_, kSessionContext, sizeof kSessionContext - 1);
    // TLS 1.3: AES-128-GCM first, as most servers choose; as strong as the session needs and
    // cheaper per byte than AES-256.
    SSL_CTX_set_ciphersuites(context_,
                             "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                             "TLS_CHACHA20_POLY1305_SHA256");
    if (SSL_CTX_set_cipher_list(context_, settings.ciphers.c_str()) != 1) {
        fail("bad cipher list '" + settings.ciphers + "'");
    }
    if (SSL_CTX_use_certificate_chain_file(context_, settings.certificate.c_str()) != 1) {
        fail("cannot use certificate chain " + settings.certificate.string());
    }
    if (SSL_CTX_use_PrivateKey_file(context_, settings.key.c_str(), SSL_FILETYPE_PEM) != 1) {
        fail("cannot use private key " + settings.key.string());
    }
    if (SSL_CTX_check_private_key(context_) != 1) {
        fail("the private key " + settings.key.string() + " does not match the certificate " +
             settings.certificate.string());
    }
    if (settings.client_certificates != ClientCertificates::none) {
        if (SSL_CTX_load_verify_locations(context_, settings.client_ca.c_str(), nullptr) != 1) {
            fail("cannot use client CA file " + settings.client_ca.string());
        }
        // Tell clients which CAs their certificate may come from.
        SSL_CTX_set_client_CA_list(context_, SSL_load_client_CA_file(settings.client_ca.c_str()));
        int mode = SSL_VERIFY_PEER;
        if (settings.client_certificates == ClientCertificates::required) {
            mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
        }
        SSL_CTX_set_verify(context_, mode, nullptr);
    }
}

TlsContext::~TlsContext() {
    SSL_CTX_free(context_);
}

std::optional<PeerIdentity> TlsContext::identity_of(const SSL* ssl) const {
    X509* certificate = SSL_get0_peer_certificate(ssl);
    if (certificate == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) {
        return std::nullopt;
    }
    PeerIdentity identity;
    identity.name =
        user_from_ == CertificateUser::san ? first_alt_name(certificate) : common_name(certificate);
    if (user_from_ != CertificateUser::none) {
        identity.names_user = true;
        identity.user = user_id_of(identity.name);
    }
    return identity;
}

}  // namespace parley::net
