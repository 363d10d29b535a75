// The cache's rules with a generation of the test's choosing (registry_integration_test runs it on PostgreSQL's
// notifications).

#include "services/registry/project_cache.h"

#include "gtest/gtest.h"

namespace saima::registry {
namespace {

v1::Project Named(int64_t id, const std::string& name) {
  v1::Project p;
  p.set_project_id(id);
  p.set_name(name);
  return p;
}

class ProjectCacheRulesTest : public ::testing::Test {
 protected:
  std::optional<uint64_t> generation_ = 1;
  ProjectCache cache_{[this] { return generation_; }, [this] { ++*generation_; }, /*capacity=*/3,
                      /*max_age=*/absl::Milliseconds(200)};
};

TEST_F(ProjectCacheRulesTest, ServesWhatWasLoadedUnderTheCurrentGeneration) {
  cache_.Put(Named(1, "甲"), cache_.Generation());
  ASSERT_TRUE(cache_.Get(1).has_value());
  EXPECT_EQ(cache_.Get(1)->name(), "甲");
  EXPECT_FALSE(cache_.Get(2).has_value());
}

TEST_F(ProjectCacheRulesTest, AChangeAnywhereRetiresEverything) {
  cache_.Put(Named(1, "甲"), cache_.Generation());
  cache_.Advance();
  EXPECT_FALSE(cache_.Get(1).has_value());
}

TEST_F(ProjectCacheRulesTest, WhatWasReadBeforeAChangeIsNotKept) {
  const auto loaded_under = cache_.Generation();  // read the database...
  cache_.Advance();                               // ...while a write commits
  cache_.Put(Named(1, "旧"), loaded_under);
  EXPECT_FALSE(cache_.Get(1).has_value());
}

TEST_F(ProjectCacheRulesTest, NothingIsServedOrKeptWhileChangesCannotBeFollowed) {
  cache_.Put(Named(1, "甲"), cache_.Generation());
  generation_.reset();  // the listening connection is down
  EXPECT_FALSE(cache_.Get(1).has_value());
  cache_.Put(Named(2, "乙"), cache_.Generation());
  generation_ = 7;  // back, at a new generation
  EXPECT_FALSE(cache_.Get(1).has_value());
  EXPECT_FALSE(cache_.Get(2).has_value());
}

TEST_F(ProjectCacheRulesTest, EntriesAgeOutAndTheCacheStaysBounded) {
  cache_.Put(Named(1, "甲"), cache_.Generation());
  absl::SleepFor(absl::Milliseconds(250));
  EXPECT_FALSE(cache_.Get(1).has_value()) << "older than max_age";
  for (int64_t id = 1; id <= 10; ++id) cache_.Put(Named(id, "x"), cache_.Generation());
  EXPECT_LE(cache_.size(), 3u);
}

}  // namespace
}  // namespace saima::registry
