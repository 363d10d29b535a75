#include "gateway/auth.h"

#include <openssl/sha.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace saima::gateway {

std::string Sha256Hex(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

absl::StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read token file ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str());
}

absl::StatusOr<TokenStore> TokenStore::Parse(const std::string& text) {
  TokenStore store;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> parts = absl::StrSplit(line, '\t');
    if (parts.size() < 4 || parts[0].size() != 64 || parts[1].empty() || !IsKnownRole(parts[2])) {
      return absl::InvalidArgumentError(
          absl::StrCat("token file line ", line_number, ": want sha256-hex, user, known role, unit, name"));
    }
    Identity identity{{parts[1], parts[2], parts[3]}, parts.size() > 4 ? parts[4] : parts[1]};
    store.by_hash_[parts[0]] = identity;
  }
  return store;
}

absl::StatusOr<Identity> TokenStore::Authenticate(const std::string& authorization) const {
  if (authorization.empty()) return absl::UnauthenticatedError("missing Authorization: Bearer <token>");
  absl::string_view value = authorization;
  if (!absl::ConsumePrefix(&value, "Bearer ") || value.empty()) {
    return absl::UnauthenticatedError("Authorization must be 'Bearer <token>'");
  }
  auto it = by_hash_.find(Sha256Hex(std::string(value)));
  if (it == by_hash_.end()) return absl::UnauthenticatedError("unknown or revoked token");
  return it->second;
}

}  // namespace saima::gateway
