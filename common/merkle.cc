#include "common/merkle.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <memory>

namespace saima::merkle {

namespace {

Hash Digest(unsigned char prefix, std::string_view a, std::string_view b = {}) {
  // SHA-256 fetched once and a context reused per thread: OpenSSL 3's one-shot SHA256() looks the algorithm up on
  // every call, which cost more than hashing a row.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  Hash out;
  unsigned int size = 0;
  if (EVP_DigestInit_ex2(ctx.get(), sha256, nullptr) != 1 || EVP_DigestUpdate(ctx.get(), &prefix, 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 || EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &size) != 1) {
    std::abort();  // only when OpenSSL cannot allocate or has no SHA-256
  }
  return out;
}

std::string_view View(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }

// The largest power of two below n (n > 1).
int64_t Split(int64_t n) {
  int64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

Hash SubtreeRoot(const std::vector<Hash>& leaves, int64_t begin, int64_t end) {
  if (end - begin == 1) return leaves[begin];
  const int64_t k = Split(end - begin);
  return NodeHash(SubtreeRoot(leaves, begin, begin + k), SubtreeRoot(leaves, begin + k, end));
}

void Path(const std::vector<Hash>& leaves, int64_t index, int64_t begin, int64_t end, std::vector<Hash>& out) {
  if (end - begin <= 1) return;
  const int64_t k = Split(end - begin);
  if (index < begin + k) {
    Path(leaves, index, begin, begin + k, out);
    out.push_back(SubtreeRoot(leaves, begin + k, end));
  } else {
    Path(leaves, index, begin + k, end, out);
    out.push_back(SubtreeRoot(leaves, begin, begin + k));
  }
}

}  // namespace

Hash LeafHash(std::string_view data) { return Digest(0x00, data); }

Hash NodeHash(const Hash& left, const Hash& right) { return Digest(0x01, View(left), View(right)); }

std::string Hex(const Hash& hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (unsigned char b : hash) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool FromHex(std::string_view hex, Hash* out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

void RootBuilder::AddLeafHash(const Hash& leaf) {
  right_edge_.emplace_back(0, leaf);
  // Two complete subtrees of the same height become one of the next height.
  while (right_edge_.size() >= 2 && right_edge_[right_edge_.size() - 2].first == right_edge_.back().first) {
    Hash right = right_edge_.back().second;
    right_edge_.pop_back();
    right_edge_.back().second = NodeHash(right_edge_.back().second, right);
    ++right_edge_.back().first;
  }
  ++size_;
}

Hash RootBuilder::Root() const {
  if (right_edge_.empty()) {
    Hash empty;
    SHA256(nullptr, 0, empty.data());
    return empty;
  }
  // RFC 6962 splits at the largest power of two: the complete subtrees, joined from the smallest leftwards.
  Hash root = right_edge_.back().second;
  for (size_t i = right_edge_.size() - 1; i-- > 0;) root = NodeHash(right_edge_[i].second, root);
  return root;
}

std::vector<Hash> AuditPath(const std::vector<Hash>& leaf_hashes, int64_t index) {
  std::vector<Hash> out;
  if (index < 0 || index >= static_cast<int64_t>(leaf_hashes.size())) return out;
  Path(leaf_hashes, index, 0, static_cast<int64_t>(leaf_hashes.size()), out);
  return out;
}

bool RootFromPath(const Hash& leaf_hash, int64_t index, int64_t size, const std::vector<Hash>& path, Hash* root) {
  if (index < 0 || index >= size) return false;
  int64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = NodeHash(p, r);
      while ((fn & 1) == 0 && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return false;
  *root = r;
  return true;
}

}  // namespace saima::merkle
