// Path templates of google.api.http: parsing, matching with variables, verbs and multi-segment captures,
// percent-decoding, and the refusal of malformed templates.

#include "gateway/path_template.h"

#include "gtest/gtest.h"

namespace saima::gateway {
namespace {

using Bindings = std::vector<std::pair<std::string, std::string>>;

Bindings MatchOf(const std::string& text, const std::string& path, bool* matched) {
  auto t = PathTemplate::Parse(text);
  EXPECT_TRUE(t.ok()) << text << ": " << t.status();
  Bindings bindings;
  *matched = t.ok() && t->Match(path, &bindings);
  return bindings;
}

TEST(PathTemplateTest, VariablesBindTheirSegments) {
  bool matched = false;
  auto b = MatchOf("/v1/campaigns/{campaign_id}/sheets/{sheet.judge_id}/{sheet.unit_id}",
                   "/v1/campaigns/7/sheets/judge-city/331181001", &matched);
  ASSERT_TRUE(matched);
  EXPECT_EQ(b, (Bindings{{"campaign_id", "7"}, {"sheet.judge_id", "judge-city"}, {"sheet.unit_id", "331181001"}}));
  MatchOf("/v1/campaigns/{campaign_id}", "/v1/campaigns/7/sheets", &matched);
  EXPECT_FALSE(matched) << "a longer path";
  MatchOf("/v1/campaigns/{campaign_id}", "/v1/campaigns", &matched);
  EXPECT_FALSE(matched) << "a shorter path";
  MatchOf("/v1/campaigns/{campaign_id}", "/v1/campaigns/", &matched);
  EXPECT_FALSE(matched) << "an empty variable";
}

TEST(PathTemplateTest, VerbsMatchOnlyTheirOwnTemplates) {
  bool matched = false;
  auto b = MatchOf("/v1/periods/{period}:lock", "/v1/periods/2023-05:lock", &matched);
  ASSERT_TRUE(matched);
  EXPECT_EQ(b, (Bindings{{"period", "2023-05"}}));
  MatchOf("/v1/periods/{period}:lock", "/v1/periods/2023-05", &matched);
  EXPECT_FALSE(matched);
  MatchOf("/v1/periods/{period}", "/v1/periods/2023-05:lock", &matched);
  EXPECT_FALSE(matched) << "a verb the template does not have";
  MatchOf("/v1/periods/{period}:lock", "/v1/periods/2023-05:unlock", &matched);
  EXPECT_FALSE(matched);
}

// (The HTTP server percent-decodes the path before it is matched: gateway_edge_test sends Chinese in a path.)
TEST(PathTemplateTest, MultiSegmentCaptures) {
  bool matched = false;
  auto b = MatchOf("/v1/files/{path=**}", "/v1/files/a/b/c.txt", &matched);
  ASSERT_TRUE(matched);
  EXPECT_EQ(b, (Bindings{{"path", "a/b/c.txt"}}));
  b = MatchOf("/v1/units/{unit_id}", "/v1/units/八都", &matched);
  ASSERT_TRUE(matched);
  EXPECT_EQ(b, (Bindings{{"unit_id", "八都"}}));
  MatchOf("/v1/units/{unit_id}", "/v1/units/a/b", &matched);
  EXPECT_FALSE(matched) << "a single-segment variable does not span segments";
}

TEST(PathTemplateTest, MalformedTemplatesAreRefused) {
  for (const char* bad :
       {"", "v1/projects", "/v1/{project_id", "/v1/{}", "/v1//x", "/v1/{a}/{a}", "/v1/x:", "/v1/{a=**}/b/{c=**}"}) {
    EXPECT_FALSE(PathTemplate::Parse(bad).ok()) << bad;
  }
}

TEST(PathTemplateTest, OpenApiFormAndLiterals) {
  auto t = PathTemplate::Parse("/v1/files/{path=**}:download");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->OpenApiPath(), "/v1/files/{path}:download");
  EXPECT_EQ(t->verb(), "download");
  EXPECT_EQ(t->literal_count(), 3);  // "v1", "files" and the verb
  EXPECT_EQ(t->variables(), std::vector<std::string>{"path"});
}

}  // namespace
}  // namespace saima::gateway
