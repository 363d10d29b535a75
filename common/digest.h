#ifndef SAIMA_COMMON_DIGEST_H_
#define SAIMA_COMMON_DIGEST_H_

// SHA-256 as lower-case hex: content hashes of documents and packages, secrets stored as hashes, request ids
// derived from content.

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace saima {

std::string Sha256Hex(const std::string& bytes);

// SHA-256 of bytes given piece by piece (content too large to hold); a copy continues from where it was taken,
// so one prefix can be finished two ways.
class Sha256Stream {
 public:
  Sha256Stream();
  Sha256Stream(const Sha256Stream& other);
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  ~Sha256Stream();

  void Update(std::string_view bytes);
  // The hash of what was given so far, as Sha256Hex would give it; the stream can go on.
  std::string Hex() const;

 private:
  evp_md_ctx_st* context_;
};

}  // namespace saima

#endif  // SAIMA_COMMON_DIGEST_H_
