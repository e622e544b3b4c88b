#include "support/test_certificates.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace parley::test {
namespace {

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertFree {
    void operator()(X509* cert) const { X509_free(cert); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

void check(bool ok, const char* what) {
    if (!ok) {
        throw std::runtime_error(std::string{"test certificates: "} + what + " failed");
    }
}

Key new_key() {
    Key key(EVP_EC_gen("P-256"));
    check(key != nullptr, "key generation");
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

struct Spec {
    std::string cn;
    std::string san;  ///< "" for none
    bool is_ca = false;
    long not_before = -3600;  ///< seconds from now
    long not_after = 86400;
};

Cert make_cert(const Spec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
    static long serial = 1;
    Cert cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after);
    X509_set_pubkey(cert.get(), key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Parley tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.cn.c_str()), -1, -1, 0);
    X509* signer = issuer != nullptr ? issuer : cert.get();
    X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
    if (spec.is_ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
    }
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (!spec.san.empty()) {
        add_extension(cert.get(), signer, NID_subject_alt_name, spec.san.c_str());
    }
    check(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0,
          "signing");
    return cert;
}

void write_pem(const std::filesystem::path& path, X509* cert) {
    FILE* file = std::fopen(path.c_str(), "w");
    check(file != nullptr && PEM_write_X509(file, cert) == 1, "writing a certificate");
    std::fclose(file);
}

void write_pem(const std::filesystem::path& path, EVP_PKEY* key) {
    FILE* file = std::fopen(path.c_str(), "w");
    check(file != nullptr &&
              PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "writing a key");
    std::fclose(file);
}

CertificatePair issue(const std::filesystem::path& dir, const std::string& name, const Spec& spec,
                      X509* ca, EVP_PKEY* ca_key) {
    const Key key = new_key();
    const Cert cert = make_cert(spec, key.get(), ca, ca_key);
    CertificatePair pair{dir / (name + ".crt"), dir / (name + ".key")};
    write_pem(pair.certificate, cert.get());
    write_pem(pair.key, key.get());
    return pair;
}

}  // namespace

TestCertificates::TestCertificates(const std::filesystem::path& dir) {
    const Key ca_key = new_key();
    const Cert ca_cert = make_cert({"Parley test CA", "", true}, ca_key.get(), nullptr, nullptr);
    ca = dir / "ca.crt";
    write_pem(ca, ca_cert.get());

    const std::string localhost = "DNS:localhost,IP:127.0.0.1";
    server = issue(dir, "server", {"localhost", localhost}, ca_cert.get(), ca_key.get());
    expired = issue(dir, "expired", {"localhost", localhost, false, -2 * 86400, -86400},
                    ca_cert.get(), ca_key.get());
    wrong_host = issue(dir, "wrong-host", {"wrong.example", "DNS:wrong.example"}, ca_cert.get(),
                       ca_key.get());
    user_42 = issue(dir, "user-42", {"42", ""}, ca_cert.get(), ca_key.get());
    user_43 = issue(dir, "user-43", {"43", ""}, ca_cert.get(), ca_key.get());

    const Key other_key = new_key();
    const Cert other_ca =
        make_cert({"Someone else's CA", "", true}, other_key.get(), nullptr, nullptr);
    untrusted = issue(dir, "untrusted", {"localhost", localhost}, other_ca.get(), other_key.get());
}

}  // namespace parley::test
