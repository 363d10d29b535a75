#include "common/merkle.h"

#include <gtest/gtest.h>

namespace saima::merkle {
namespace {

// The leaves and roots of RFC 6962's reference tests (certificate-transparency, merkle_tree_test.cc).
const std::vector<std::string> kLeaves = {"",
                                          std::string(1, '\x00'),
                                          "\x10",
                                          "\x20\x21",
                                          "\x30\x31",
                                          "\x40\x41\x42\x43",
                                          "\x50\x51\x52\x53\x54\x55\x56\x57",
                                          "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
const std::vector<std::string> kRoots = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

TEST(MerkleTest, RootsOfTheReferenceTrees) {
  EXPECT_EQ(Hex(RootBuilder().Root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  RootBuilder builder;
  for (size_t i = 0; i < kLeaves.size(); ++i) {
    builder.AddLeaf(kLeaves[i]);
    EXPECT_EQ(Hex(builder.Root()), kRoots[i]) << i + 1 << " leaves";
  }
}

TEST(MerkleTest, EveryLeafIsProvedByItsPathAndOnlyItsOwn) {
  for (int n = 1; n <= 40; ++n) {
    std::vector<Hash> leaves;
    RootBuilder builder;
    for (int i = 0; i < n; ++i) {
      leaves.push_back(LeafHash("row " + std::to_string(i)));
      builder.AddLeafHash(leaves.back());
    }
    const Hash root = builder.Root();
    for (int m = 0; m < n; ++m) {
      const auto path = AuditPath(leaves, m);
      Hash computed;
      ASSERT_TRUE(RootFromPath(leaves[m], m, n, path, &computed)) << n << " " << m;
      EXPECT_EQ(computed, root) << n << " " << m;
      // Another row's content, another position or a shortened path does not lead to the root.
      ASSERT_TRUE(RootFromPath(LeafHash("changed"), m, n, path, &computed));
      EXPECT_NE(computed, root);
      if (n > 1) {
        const int other = (m + 1) % n;
        EXPECT_FALSE(RootFromPath(leaves[m], other, n, path, &computed) && computed == root) << n << " " << m;
        auto shorter = path;
        shorter.pop_back();
        EXPECT_FALSE(RootFromPath(leaves[m], m, n, shorter, &computed) && computed == root);
      }
    }
  }
}

TEST(MerkleTest, HexRoundTripsAndRefusesOtherText) {
  Hash h = LeafHash("x"), back;
  ASSERT_TRUE(FromHex(Hex(h), &back));
  EXPECT_EQ(back, h);
  EXPECT_FALSE(FromHex("abc", &back));
  EXPECT_FALSE(FromHex(std::string(64, 'g'), &back));
}

}  // namespace
}  // namespace saima::merkle
