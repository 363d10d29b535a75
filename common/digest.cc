#include "common/digest.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace saima {
namespace {

std::string ToHex(const unsigned char* digest, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return ToHex(digest, SHA256_DIGEST_LENGTH);
}

Sha256Stream::Sha256Stream() : context_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(context_, EVP_sha256(), nullptr); }

Sha256Stream::Sha256Stream(const Sha256Stream& other) : context_(EVP_MD_CTX_new()) {
  EVP_MD_CTX_copy_ex(context_, other.context_);
}

Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(context_); }

void Sha256Stream::Update(std::string_view bytes) { EVP_DigestUpdate(context_, bytes.data(), bytes.size()); }

std::string Sha256Stream::Hex() const {
  Sha256Stream finished(*this);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(finished.context_, digest, &size);
  return ToHex(digest, size);
}

}  // namespace saima
