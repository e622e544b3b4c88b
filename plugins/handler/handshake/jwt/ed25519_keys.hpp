#pragma once
// Ed25519 keys for signed login tokens, through OpenSSL: the broker holds public keys only; the
// issuer (parley-token, or an application's own code) holds the private key.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace parley::jwt {

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

class Ed25519PublicKey {
  public:
    /// The 32 raw bytes of RFC 8032. Throws std::invalid_argument for anything else.
    static Ed25519PublicKey from_raw(std::span<const std::uint8_t> raw);
    /// A PEM "PUBLIC KEY" (SubjectPublicKeyInfo) file, as `openssl pkey -pubout` writes it.
    static Ed25519PublicKey from_pem_file(const std::filesystem::path& file);

    bool verify(std::span<const std::uint8_t> message,
                std::span<const std::uint8_t> signature) const;
    std::vector<std::uint8_t> raw() const;

  private:
    explicit Ed25519PublicKey(PkeyPtr key) : key_(std::move(key)) {}
    std::shared_ptr<EVP_PKEY> key_;  // shared: a verifier is copied between loops, never changed
};

class Ed25519PrivateKey {
  public:
    static Ed25519PrivateKey generate();
    /// The 32-byte seed of RFC 8032 (a JWK's `d`). Throws std::invalid_argument otherwise.
    static Ed25519PrivateKey from_raw(std::span<const std::uint8_t> seed);
    /// A PEM "PRIVATE KEY" (PKCS #8) file, as `openssl genpkey -algorithm ed25519` writes it.
    static Ed25519PrivateKey from_pem_file(const std::filesystem::path& file);

    std::vector<std::uint8_t> sign(std::span<const std::uint8_t> message) const;
    Ed25519PublicKey public_key() const;
    std::string private_pem() const;
    std::string public_pem() const;

  private:
    explicit Ed25519PrivateKey(PkeyPtr key) : key_(std::move(key)) {}
    PkeyPtr key_;
};

}  // namespace parley::jwt
