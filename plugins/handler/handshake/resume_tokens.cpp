#include "resume_tokens.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <parley/error.hpp>

namespace parley::plugins::handlers {
namespace {

constexpr std::size_t kTokenBytes = 16;  // 128 bits

}  // namespace

ResumeTokens::ResumeTokens(std::string key) : key_(std::move(key)) {
    if (key_.empty()) {
        throw std::invalid_argument("a resume token key must not be empty");
    }
}

ResumeTokens ResumeTokens::random() {
    std::string key(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) !=
        1) {
        throw std::runtime_error("no random bytes for the resume token key");
    }
    return ResumeTokens(std::move(key));
}

std::string ResumeTokens::token_for(UserId user, std::uint64_t epoch) const {
    const std::string message = std::to_string(user) + ":" + std::to_string(epoch);
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int size = 0;
    if (HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(),
             &size) == nullptr) {
        throw Error(ErrorCode::internal, "HMAC-SHA256 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(2 * kTokenBytes);
    for (std::size_t i = 0; i < kTokenBytes; ++i) {
        hex.push_back(kHex[mac[i] >> 4]);
        hex.push_back(kHex[mac[i] & 0x0F]);
    }
    return hex;
}

bool ResumeTokens::matches(UserId user, std::uint64_t epoch, std::string_view given) const {
    const std::string expected = token_for(user, epoch);
    return given.size() == expected.size() &&
           CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace parley::plugins::handlers
