#ifndef SAIMA_COMMON_MERKLE_H_
#define SAIMA_COMMON_MERKLE_H_

// Merkle trees as Certificate Transparency defines them (RFC 6962 §2.1, RFC 9162 §2.1): SHA-256, a leaf hashed as
// H(0x00 || data), a node as H(0x01 || left || right), a tree of n leaves split at the largest power of two below n.
// A bulk import is audited by one entry holding the root over its rows (issue 21); one row is then proved by its
// audit path, without the others.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace saima::merkle {

using Hash = std::array<unsigned char, 32>;

Hash LeafHash(std::string_view data);
Hash NodeHash(const Hash& left, const Hash& right);
std::string Hex(const Hash& hash);
// False when `hex` is not 64 hexadecimal digits.
bool FromHex(std::string_view hex, Hash* out);

// The root of leaves added one at a time, keeping only the O(log n) complete subtrees on the right edge.
class RootBuilder {
 public:
  void AddLeafHash(const Hash& leaf);
  void AddLeaf(std::string_view data) { AddLeafHash(LeafHash(data)); }
  // The root of the leaves so far (of no leaves: SHA-256 of the empty string).
  Hash Root() const;
  int64_t size() const { return size_; }

 private:
  std::vector<std::pair<int, Hash>> right_edge_;  // (height, root) of each complete subtree, largest first
  int64_t size_ = 0;
};

// The audit path of leaf `index` (RFC 6962 PATH(m, D[n])), from the leaf's sibling up.
std::vector<Hash> AuditPath(const std::vector<Hash>& leaf_hashes, int64_t index);

// The root that `path` leads to from leaf `index` of a tree of `size` leaves (RFC 9162 §2.1.3.2), or false when
// the path has the wrong length for that position.
bool RootFromPath(const Hash& leaf_hash, int64_t index, int64_t size, const std::vector<Hash>& path, Hash* root);

}  // namespace saima::merkle

#endif  // SAIMA_COMMON_MERKLE_H_
