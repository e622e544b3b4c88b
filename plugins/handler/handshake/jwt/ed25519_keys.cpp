#include "jwt/ed25519_keys.hpp"

#include <cstdio>
#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace parley::jwt {
namespace {

std::string openssl_error(const std::string& what) {
    const unsigned long code = ERR_get_error();
    char text[256] = "";
    if (code != 0) {
        ERR_error_string_n(code, text, sizeof text);
    }
    ERR_clear_error();
    return code != 0 ? what + ": " + text : what;
}

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

std::unique_ptr<std::FILE, FileCloser> open_for_reading(const std::filesystem::path& file) {
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(file.c_str(), "rb"));
    if (!f) {
        throw std::invalid_argument("cannot open " + file.string());
    }
    return f;
}

void require_ed25519(const EVP_PKEY* key, const std::filesystem::path& file) {
    if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
        throw std::invalid_argument(file.string() + " holds a key, but not an Ed25519 one");
    }
}

struct BioDeleter {
    void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};

template <typename Write>
std::string pem_of(Write write) {
    std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) {
        throw std::runtime_error(openssl_error("writing a PEM key failed"));
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return {data, static_cast<std::size_t>(size)};
}

}  // namespace

Ed25519PublicKey Ed25519PublicKey::from_raw(std::span<const std::uint8_t> raw) {
    if (raw.size() != 32) {
        throw std::invalid_argument("an Ed25519 public key is 32 bytes, not " +
                                    std::to_string(raw.size()));
    }
    PkeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
    if (!key) {
        throw std::invalid_argument(openssl_error("not an Ed25519 public key"));
    }
    return Ed25519PublicKey(std::move(key));
}

Ed25519PublicKey Ed25519PublicKey::from_pem_file(const std::filesystem::path& file) {
    const auto f = open_for_reading(file);
    PkeyPtr key(PEM_read_PUBKEY(f.get(), nullptr, nullptr, nullptr));
    if (!key) {
        throw std::invalid_argument(openssl_error(file.string() + " is not a PEM public key"));
    }
    require_ed25519(key.get(), file);
    return Ed25519PublicKey(std::move(key));
}

bool Ed25519PublicKey::verify(std::span<const std::uint8_t> message,
                              std::span<const std::uint8_t> signature) const {
    if (signature.size() != 64) {
        return false;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) {
        throw std::runtime_error("out of memory");
    }
    // Ed25519 signs the message itself (no separate digest): one-shot EVP_DigestVerify.
    const bool ok = EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
                    EVP_DigestVerify(ctx, signature.data(), signature.size(), message.data(),
                                     message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    return ok;
}

std::vector<std::uint8_t> Ed25519PublicKey::raw() const {
    std::vector<std::uint8_t> out(32);
    std::size_t size = out.size();
    if (EVP_PKEY_get_raw_public_key(key_.get(), out.data(), &size) != 1) {
        throw std::runtime_error(openssl_error("reading an Ed25519 public key failed"));
    }
    out.resize(size);
    return out;
}

Ed25519PrivateKey Ed25519PrivateKey::generate() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* key = nullptr;
    const bool ok =
        ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &key) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        throw std::runtime_error(openssl_error("generating an Ed25519 key failed"));
    }
    return Ed25519PrivateKey(PkeyPtr(key));
}

Ed25519PrivateKey Ed25519PrivateKey::from_raw(std::span<const std::uint8_t> seed) {
    if (seed.size() != 32) {
        throw std::invalid_argument("an Ed25519 private key is 32 bytes, not " +
                                    std::to_string(seed.size()));
    }
    PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
    if (!key) {
        throw std::invalid_argument(openssl_error("not an Ed25519 private key"));
    }
    return Ed25519PrivateKey(std::move(key));
}

Ed25519PrivateKey Ed25519PrivateKey::from_pem_file(const std::filesystem::path& file) {
    const auto f = open_for_reading(file);
    PkeyPtr key(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
    if (!key) {
        throw std::invalid_argument(openssl_error(file.string() + " is not a PEM private key"));
    }
    require_ed25519(key.get(), file);
    return Ed25519PrivateKey(std::move(key));
}

std::vector<std::uint8_t> Ed25519PrivateKey::sign(std::span<const std::uint8_t> message) const {
    std::vector<std::uint8_t> signature(64);
    std::size_t size = signature.size();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
        EVP_DigestSign(ctx, signature.data(), &size, message.data(), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        throw std::runtime_error(openssl_error("Ed25519 signing failed"));
    }
    signature.resize(size);
    return signature;
}

Ed25519PublicKey Ed25519PrivateKey::public_key() const {
    std::vector<std::uint8_t> raw(32);
    std::size_t size = raw.size();
    if (EVP_PKEY_get_raw_public_key(key_.get(), raw.data(), &size) != 1) {
        throw std::runtime_error(openssl_error("reading an Ed25519 public key failed"));
    }
    return Ed25519PublicKey::from_raw(std::span(raw).first(size));
}

std::string Ed25519PrivateKey::private_pem() const {
    return pem_of([this](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
}

std::string Ed25519PrivateKey::public_pem() const {
    return pem_of([this](BIO* bio) { return PEM_write_bio_PUBKEY(bio, key_.get()); });
}

}  // namespace parley::jwt
