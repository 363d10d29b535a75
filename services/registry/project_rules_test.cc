#include "services/registry/project_rules.h"

#include "gtest/gtest.h"

namespace saima::registry {
namespace {

const ReferenceData& Ref() { return ReferenceData::Embedded(); }

TEST(ReferenceDataTest, LoadsTheWholeIndustryList) {
  EXPECT_EQ(Ref().industry_count(), 1381u);  // the 小类 (level 4) of the corrected table
  ASSERT_NE(Ref().IndustryName("2720"), nullptr);
  EXPECT_EQ(*Ref().IndustryName("2720"), "化学药品制剂制造");
  // The corrected table: 3741 飞机制造 is a 小类 (it was misprinted as 374 at level 3).
  ASSERT_NE(Ref().IndustryName("3741"), nullptr);
  EXPECT_EQ(*Ref().IndustryName("3741"), "飞机制造");
  EXPECT_EQ(Ref().IndustryName("374"), nullptr);
  EXPECT_TRUE(Ref().IsCountyCode("331181"));
  EXPECT_FALSE(Ref().IsCountyCode("331199"));
}

TEST(ClassificationTest, SectorBoundariesOfDomainRules) {
  EXPECT_EQ(SectorOf("0111"), pb::SECTOR_PRIMARY);
  EXPECT_EQ(SectorOf("0490"), pb::SECTOR_PRIMARY);
  EXPECT_EQ(SectorOf("0511"), pb::SECTOR_TERTIARY);  // 05 农林牧渔专业及辅助性活动
  EXPECT_EQ(SectorOf("0610"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("1011"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("1120"), pb::SECTOR_TERTIARY);  // 11 开采专业及辅助性活动
  EXPECT_EQ(SectorOf("1200"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("4290"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("4320"), pb::SECTOR_TERTIARY);  // 43 金属制品、机械和设备修理业
  EXPECT_EQ(SectorOf("4411"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("5010"), pb::SECTOR_SECONDARY);
  EXPECT_EQ(SectorOf("5111"), pb::SECTOR_TERTIARY);
  EXPECT_EQ(SectorOf("12"), pb::SECTOR_UNSPECIFIED);
}

TEST(ClassificationTest, IndustrialAndManufacturingAreSeparateDerivations) {
  EXPECT_FALSE(IsIndustrial("0519"));
  EXPECT_TRUE(IsIndustrial("0610"));
  EXPECT_TRUE(IsIndustrial("4690"));
  EXPECT_FALSE(IsIndustrial("4710"));
  EXPECT_FALSE(IsManufacturing("1200"));
  EXPECT_TRUE(IsManufacturing("1311"));
  EXPECT_TRUE(IsManufacturing("4320"));  // 制造业 yet 三产
  EXPECT_FALSE(IsManufacturing("4411"));
}

TEST(ClassificationTest, IndustrialRenovationNeedsNatureOrFlag) {
  pb::Project p;
  p.set_industry_code("3584");
  p.set_construction_nature(pb::CONSTRUCTION_NATURE_RENOVATION);
  DeriveClassification(Ref(), p);
  EXPECT_TRUE(p.industrial_renovation());
  p.set_construction_nature(pb::CONSTRUCTION_NATURE_EXPANSION);
  DeriveClassification(Ref(), p);
  EXPECT_FALSE(p.industrial_renovation());
  p.set_technical_renovation(true);
  DeriveClassification(Ref(), p);
  EXPECT_TRUE(p.industrial_renovation());
  p.set_industry_code("7010");  // not 工业
  DeriveClassification(Ref(), p);
  EXPECT_FALSE(p.industrial_renovation());
}

TEST(ProjectCodeTest, ShapeAndRegion) {
  auto violations = [](const std::string& code) {
    Violations v;
    CheckProjectCode(code, Ref(), "code", v);
    return v.items().size();
  };
  EXPECT_EQ(violations("2023-331181-04-01-000123"), 0u);
  EXPECT_EQ(violations("2023-331181-04-01-00012X"), 0u);
  EXPECT_EQ(violations("2023-331181-04-01-00012x"), 1u);
  EXPECT_EQ(violations("2023-331181-04-01-0001"), 1u);
  EXPECT_EQ(violations("2023/331181-04-01-000123"), 1u);
  EXPECT_EQ(violations("1999-331181-04-01-000123"), 1u);
  EXPECT_EQ(violations("2023-331199-04-01-000123"), 1u);
}

TEST(StageTest, TransitionsOfTheLifeCycle) {
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_PLANNING, pb::PROJECT_STAGE_PREPARATION));
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_PREPARATION, pb::PROJECT_STAGE_CONSTRUCTION));
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_CONSTRUCTION, pb::PROJECT_STAGE_SUSPENDED));
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_SUSPENDED, pb::PROJECT_STAGE_CONSTRUCTION));
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_COMPLETED, pb::PROJECT_STAGE_IN_PRODUCTION));
  EXPECT_TRUE(IsLegalTransition(pb::PROJECT_STAGE_CONSTRUCTION, pb::PROJECT_STAGE_WITHDRAWN));
  EXPECT_FALSE(IsLegalTransition(pb::PROJECT_STAGE_PLANNING, pb::PROJECT_STAGE_CONSTRUCTION));
  EXPECT_FALSE(IsLegalTransition(pb::PROJECT_STAGE_CONSTRUCTION, pb::PROJECT_STAGE_PLANNING));
  EXPECT_FALSE(IsLegalTransition(pb::PROJECT_STAGE_WITHDRAWN, pb::PROJECT_STAGE_PLANNING));
  EXPECT_FALSE(IsLegalTransition(pb::PROJECT_STAGE_IN_PRODUCTION, pb::PROJECT_STAGE_COMPLETED));
}

TEST(UpdateMaskTest, RefusesUnknownAndOutputOnlyFields) {
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  Violations ok;
  CheckUpdateMask(mask, ok);
  EXPECT_TRUE(ok.ok());
  mask.add_paths("revision");
  mask.add_paths("colour");
  Violations bad;
  CheckUpdateMask(mask, bad);
  EXPECT_EQ(bad.items().size(), 2u);
}

TEST(ProjectCheckTest, PlanningProjectNeedsNoCode) {
  pb::Project p;
  p.set_name("竹木制品精深加工项目");
  p.set_unit_id("D02");
  p.set_industry_code("2029");
  p.set_construction_nature(pb::CONSTRUCTION_NATURE_NEW);
  p.set_ownership(pb::OWNERSHIP_PRIVATE);
  p.set_stage(pb::PROJECT_STAGE_PLANNING);
  p.set_planning_year(2023);
  Violations v;
  CheckProject(p, Ref(), "project", v);
  EXPECT_TRUE(v.ok()) << v.ToStatus();
}

// The fields a document file's check names, for a file of `type` holding `bytes`.
std::vector<std::string> FileViolations(const std::string& name, const std::string& type, const std::string& bytes) {
  ::saima::api::v1::File file;
  file.set_file_name(name);
  file.set_content_type(type);
  file.set_content(bytes);
  Violations v;
  CheckDocumentFile(file, "file", v);
  std::vector<std::string> fields;
  for (const auto& item : v.items()) fields.push_back(item.field);
  return fields;
}

TEST(DocumentFileTest, TheBytesMustBeOfTheDeclaredType) {
  const std::string pdf = "%PDF-1.7\n";
  const std::string jpeg("\xFF\xD8\xFF\xE0", 4);
  const std::string png("\x89PNG\r\n\x1A\n\0", 9);
  EXPECT_TRUE(FileViolations("批复.pdf", "application/pdf", pdf).empty());
  EXPECT_TRUE(FileViolations("现场.jpg", "image/jpeg", jpeg).empty());
  EXPECT_TRUE(FileViolations("现场.png", "image/png", png).empty());
  // Another type's bytes under a declared type; a page or a program however declared.
  EXPECT_EQ(FileViolations("现场.png", "image/png", jpeg), std::vector<std::string>{"file.content"});
  EXPECT_EQ(FileViolations("批复.pdf", "application/pdf", "<html>"), std::vector<std::string>{"file.content"});
  EXPECT_EQ(FileViolations("a.html", "text/html", "<html>"), std::vector<std::string>{"file.content_type"});
  EXPECT_EQ(FileViolations("a.exe", "application/octet-stream", "MZ"), std::vector<std::string>{"file.content_type"});
  // A name, and 1 byte to 10 MB.
  EXPECT_EQ(FileViolations("", "application/pdf", pdf), std::vector<std::string>{"file.file_name"});
  EXPECT_EQ(FileViolations("空.pdf", "application/pdf", ""), std::vector<std::string>{"file.content"});
  std::string largest = pdf + std::string(kMaxDocumentFileBytes - pdf.size(), ' ');
  EXPECT_TRUE(FileViolations("大.pdf", "application/pdf", largest).empty());
  EXPECT_EQ(FileViolations("大.pdf", "application/pdf", largest + " "), std::vector<std::string>{"file.content"});
}

}  // namespace
}  // namespace saima::registry
