#ifndef SAIMA_COMMON_DIGEST_H_
#define SAIMA_COMMON_DIGEST_H_

// SHA-256 as lower-case hex: content hashes of documents and packages, secrets stored as hashes, request ids
// derived from content.

#include <string>

namespace saima {

std::string Sha256Hex(const std::string& bytes);

}  // namespace saima

#endif  // SAIMA_COMMON_DIGEST_H_
