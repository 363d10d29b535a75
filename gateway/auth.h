#ifndef SAIMA_GATEWAY_AUTH_H_
#define SAIMA_GATEWAY_AUTH_H_

// Bearer-token authentication at the gateway. Tokens are kept only as SHA-256 hashes, in a file of
// tab-separated lines:  sha256-hex  user_id  role  unit_id  display_name   ('#' starts a comment).

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"

namespace saima::gateway {

struct Identity {
  Caller caller;
  std::string display_name;
};

// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(const std::string& text);

class TokenStore {
 public:
  // Reads the token file. INVALID_ARGUMENT names the line of a malformed entry.
  static absl::StatusOr<TokenStore> Load(const std::string& path);
  static absl::StatusOr<TokenStore> Parse(const std::string& text);

  // Checks an Authorization header value ("Bearer <token>"). UNAUTHENTICATED when absent, malformed or unknown.
  absl::StatusOr<Identity> Authenticate(const std::string& authorization) const;
  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, Identity> by_hash_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_AUTH_H_
