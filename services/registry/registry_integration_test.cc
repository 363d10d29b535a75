// The registry's use cases on a real PostgreSQL (tests/pg_harness.h).

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/digest.h"
#include "common/embedded.h"
#include "common/pg.h"
#include "common/pg_listener.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "services/registry/pg_registry_store.h"
#include "services/registry/registry.h"
#include "tests/pg_harness.h"

namespace saima {
extern const EmbeddedFile kRegistryMigrations[];
}

namespace saima::registry {
namespace {

using ::saima::testing::PgHarness;

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

const Caller kAdmin{"admin-1", kRoleAdmin, ""};
const Caller kLongyuanStaff{"staff-1", kRoleUnitStaff, "331181001"};
const Caller kLeader{"leader-1", kRoleLeader, ""};

class RegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PgHarness& pg = PgHarness::Shared();
    ASSERT_TRUE(Migrate(pg.Url("registry"), "registry", kRegistryMigrations).ok());
    // A second run finds nothing to do.
    ASSERT_TRUE(Migrate(pg.Url("registry"), "registry", kRegistryMigrations).ok());
  }

  void SetUp() override {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec(
        "TRUNCATE registry.project_changes, registry.milestones, registry.documents, registry.document_files, "
        "registry.projects, "
        "registry.units RESTART IDENTITY CASCADE");
    txn.exec("UPDATE registry.revision_counter SET value = 0");
    txn.commit();
    pool_ = std::make_unique<PgPool>(PgHarness::Shared().Url("registry"), 4, RegistryStatements());
    store_ = std::make_unique<PgRegistryStore>(*pool_);
    registry_ = std::make_unique<Registry>(*store_, ReferenceData::Embedded());
    for (const auto& [id, name, type] : {std::tuple{"331181001", "龙渊街道", pb::UNIT_TYPE_SUBDISTRICT},
                                         std::tuple{"331181100", "八都镇", pb::UNIT_TYPE_TOWNSHIP},
                                         std::tuple{"D01", "发展和改革局", pb::UNIT_TYPE_DEPARTMENT}}) {
      pb::CreateUnitRequest request;
      request.mutable_unit()->set_unit_id(id);
      request.mutable_unit()->set_name(name);
      request.mutable_unit()->set_type(type);
      request.mutable_unit()->set_region_code("331181");
      ASSERT_TRUE(registry_->CreateUnit(kAdmin, request, Deadline()).ok());
    }
  }

  static pb::Project ValidProject() {
    pb::Project p;
    p.set_project_code("2023-331181-04-01-000123");
    p.set_name("国镜药业年产2亿瓶口服溶液剂项目");
    p.set_unit_id("331181001");
    p.set_industry_code("2720");
    p.set_construction_nature(pb::CONSTRUCTION_NATURE_NEW);
    p.set_ownership(pb::OWNERSHIP_PRIVATE);
    p.add_tiers(pb::PROJECT_TIER_KEY);
    p.set_stage(pb::PROJECT_STAGE_CONSTRUCTION);
    p.set_planning_year(2022);
    p.set_planned_total_investment_yuan(350'000'000);
    p.set_planned_start_date("2023-01-10");
    p.set_actual_start_date("2023-02-18");
    return p;
  }

  absl::StatusOr<pb::Project> Create(const pb::Project& p, const Caller& caller = kAdmin,
                                     const std::string& request_id = "") {
    pb::CreateProjectRequest request;
    *request.mutable_project() = p;
    request.set_request_id(request_id);
    auto response = registry_->CreateProject(caller, request, Deadline());
    if (!response.ok()) return response.status();
    return response->project();
  }

  absl::StatusOr<pb::Project> Update(const Caller& caller, int64_t id, int64_t revision, const pb::Project& values,
                                     std::vector<std::string> paths) {
    pb::UpdateProjectRequest request;
    request.set_project_id(id);
    request.set_expected_revision(revision);
    *request.mutable_project() = values;
    for (auto& path : paths) request.mutable_update_mask()->add_paths(path);
    auto response = registry_->UpdateProject(caller, request, Deadline());
    if (!response.ok()) return response.status();
    return response->project();
  }

  int64_t CountRows(const std::string& table) {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    return txn.exec1("SELECT count(*) FROM registry." + table)[0].as<int64_t>();
  }

  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgRegistryStore> store_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, CreateStoresAndDerivesClassification) {
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->project_id(), 0);
  EXPECT_EQ(created->sector(), pb::SECTOR_SECONDARY);
  EXPECT_TRUE(created->manufacturing());
  EXPECT_TRUE(created->industrial());
  EXPECT_EQ(created->industry_name(), "化学药品制剂制造");
  pb::GetProjectRequest get;
  get.set_project_id(created->project_id());
  auto read = registry_->GetProject(kLeader, get, Deadline());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->project().SerializeAsString(), created->SerializeAsString());
}

TEST_F(RegistryTest, DocumentWithItsFileIsStoredCheckedAndServedToThoseWhoMayRead) {
  pb::Project own = ValidProject();
  own.set_unit_id("331181001");
  auto created = Create(own);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string pdf = "%PDF-1.7\n批复文件";
  pb::AddDocumentRequest add;
  add.mutable_document()->set_project_id(created->project_id());
  add.mutable_document()->set_type(pb::DOCUMENT_TYPE_APPROVAL);
  add.mutable_document()->set_number("龙发改〔2023〕12号");
  add.mutable_file()->set_file_name("备案通知书.pdf");
  add.mutable_file()->set_content_type("application/pdf");
  add.mutable_file()->set_content(pdf);
  add.set_request_id("upload-1");
  auto stored = registry_->AddDocument(kLongyuanStaff, add, Deadline());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->document().content_sha256(), Sha256Hex(pdf));
  EXPECT_EQ(stored->document().storage_ref(), "saima:sha256:" + Sha256Hex(pdf));
  EXPECT_EQ(stored->document().size_bytes(), static_cast<int64_t>(pdf.size()));
  EXPECT_EQ(stored->document().file_name(), "备案通知书.pdf");
  // Retried: the same document, stored once; the same bytes for another document: one copy of the content.
  auto again = registry_->AddDocument(kLongyuanStaff, add, Deadline());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->document().document_id(), stored->document().document_id());
  add.set_request_id("upload-2");
  ASSERT_TRUE(registry_->AddDocument(kLongyuanStaff, add, Deadline()).ok());
  EXPECT_EQ(CountRows("documents"), 2);
  EXPECT_EQ(CountRows("document_files"), 1);
  // A hash that is not the file's, a saima: reference without a file, bytes that are not a PDF: refused, nothing
  // stored.
  add.set_request_id("");
  add.mutable_document()->set_content_sha256(std::string(64, 'a'));
  auto wrong_hash = registry_->AddDocument(kLongyuanStaff, add, Deadline());
  ASSERT_EQ(wrong_hash.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(wrong_hash.status())[0].field, "document.content_sha256");
  add.mutable_document()->clear_content_sha256();
  add.mutable_file()->set_content("MZ\x90\x00");
  auto not_pdf = registry_->AddDocument(kLongyuanStaff, add, Deadline());
  ASSERT_EQ(not_pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(not_pdf.status())[0].field, "file.content");
  pb::AddDocumentRequest forged;
  *forged.mutable_document() = add.document();
  forged.mutable_document()->set_content_sha256(Sha256Hex(pdf));
  forged.mutable_document()->set_storage_ref("saima:sha256:" + Sha256Hex(pdf));
  auto forged_status = registry_->AddDocument(kLongyuanStaff, forged, Deadline());
  ASSERT_EQ(forged_status.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(forged_status.status())[0].field, "document.storage_ref");
  EXPECT_EQ(CountRows("documents"), 2);

  pb::GetDocumentFileRequest get;
  get.set_document_id(stored->document().document_id());
  auto file = registry_->GetDocumentFile(kLeader, get, Deadline());
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->file().content(), pdf);
  EXPECT_EQ(file->file().content_type(), "application/pdf");
  EXPECT_EQ(file->file().file_name(), "备案通知书.pdf");
  const Caller other_staff{"staff-2", kRoleUnitStaff, "331181002"};
  EXPECT_EQ(registry_->GetDocumentFile(other_staff, get, Deadline()).status().code(),
            absl::StatusCode::kPermissionDenied);
  get.set_document_id(999999);
  EXPECT_EQ(registry_->GetDocumentFile(kLeader, get, Deadline()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, ValidateOnlyChecksEverythingAndStoresNothing) {
  pb::CreateProjectRequest request;
  *request.mutable_project() = ValidProject();
  request.set_validate_only(true);
  auto checked = registry_->CreateProject(kAdmin, request, Deadline());
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->project().industry_name(), "化学药品制剂制造");
  EXPECT_EQ(checked->project().project_id(), 0);
  request.mutable_project()->set_industry_code("99");
  auto bad = registry_->CreateProject(kAdmin, request, Deadline());
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].field, "project.industry_code");
  request.mutable_project()->set_industry_code("2720");
  request.mutable_project()->set_unit_id("331181002");
  EXPECT_EQ(registry_->CreateProject(kLongyuanStaff, request, Deadline()).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountRows("projects"), 0);
}

TEST_F(RegistryTest, RetriedCreateWithSameRequestIdWritesOnce) {
  auto first = Create(ValidProject(), kAdmin, "req-42");
  auto second = Create(ValidProject(), kAdmin, "req-42");
  ASSERT_TRUE(first.ok() && second.ok()) << second.status();
  EXPECT_EQ(first->project_id(), second->project_id());
  EXPECT_EQ(CountRows("projects"), 1);
  EXPECT_EQ(CountRows("project_changes"), 1);
}

TEST_F(RegistryTest, DuplicateProjectCodeIsAlreadyExists) {
  ASSERT_TRUE(Create(ValidProject()).ok());
  auto again = Create(ValidProject());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find("project_code"), std::string::npos);
  EXPECT_EQ(CountRows("projects"), 1);
}

TEST_F(RegistryTest, UnknownUnitIsAFieldViolationAndWritesNothing) {
  pb::Project p = ValidProject();
  p.set_unit_id("NOPE");
  auto created = Create(p);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(created.status())[0].field, "project.unit_id");
  EXPECT_EQ(CountRows("projects"), 0);
  EXPECT_EQ(CountRows("project_changes"), 0);
}

// One case per validation rule: the precise field, and nothing written.
struct RuleCase {
  const char* name;
  std::function<void(pb::Project&)> breaks;
  const char* field;
};

class ValidationRuleTest : public RegistryTest, public ::testing::WithParamInterface<RuleCase> {};

TEST_P(ValidationRuleTest, NamesTheFieldAndWritesNothing) {
  pb::Project p = ValidProject();
  GetParam().breaks(p);
  auto created = Create(p);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << created.status();
  auto fields = FieldViolationsOf(created.status());
  ASSERT_FALSE(fields.empty());
  bool named = false;
  for (const auto& [field, rule, chinese] : fields) named = named || field == GetParam().field;
  EXPECT_TRUE(named) << created.status();
  EXPECT_EQ(CountRows("projects"), 0);
  EXPECT_EQ(CountRows("project_changes"), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ValidationRuleTest,
    ::testing::Values(
        RuleCase{"NameRequired", [](pb::Project& p) { p.clear_name(); }, "project.name"},
        RuleCase{"CodeRequiredAfterPlanning", [](pb::Project& p) { p.clear_project_code(); }, "project.project_code"},
        RuleCase{"CodeShape", [](pb::Project& p) { p.set_project_code("2023-331181-04-01-12"); },
                 "project.project_code"},
        RuleCase{"CodeRegion", [](pb::Project& p) { p.set_project_code("2023-999999-04-01-000123"); },
                 "project.project_code"},
        RuleCase{"IndustryShape", [](pb::Project& p) { p.set_industry_code("27A0"); }, "project.industry_code"},
        RuleCase{"IndustryInList", [](pb::Project& p) { p.set_industry_code("2799"); }, "project.industry_code"},
        RuleCase{"NatureRequired", [](pb::Project& p) { p.clear_construction_nature(); },
                 "project.construction_nature"},
        RuleCase{"OwnershipRequired", [](pb::Project& p) { p.clear_ownership(); }, "project.ownership"},
        RuleCase{"StageRequired", [](pb::Project& p) { p.clear_stage(); }, "project.stage"},
        RuleCase{"TierRepeated", [](pb::Project& p) { p.add_tiers(pb::PROJECT_TIER_KEY); }, "project.tiers"},
        RuleCase{"PlanningYear", [](pb::Project& p) { p.set_planning_year(1999); }, "project.planning_year"},
        RuleCase{"AmountNotNegative", [](pb::Project& p) { p.set_planned_total_investment_yuan(-1); },
                 "project.planned_total_investment_yuan"},
        RuleCase{"DateReal", [](pb::Project& p) { p.set_planned_start_date("2023-02-30"); },
                 "project.planned_start_date"},
        RuleCase{"CompletionAfterStart", [](pb::Project& p) { p.set_planned_completion_date("2022-12-31"); },
                 "project.planned_completion_date"},
        RuleCase{"StartedNeedsActualStart", [](pb::Project& p) { p.clear_actual_start_date(); },
                 "project.actual_start_date"},
        RuleCase{"CompletedNeedsCompletionDate", [](pb::Project& p) { p.set_stage(pb::PROJECT_STAGE_COMPLETED); },
                 "project.actual_completion_date"},
        RuleCase{"WithdrawalNeedsReason", [](pb::Project& p) { p.set_stage(pb::PROJECT_STAGE_WITHDRAWN); },
                 "project.withdrawal_reason"},
        RuleCase{"RegionCode", [](pb::Project& p) { p.set_region_code("33118"); }, "project.region_code"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

TEST_F(RegistryTest, StaleRevisionIsAbortedAndChangesNothing) {
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok());
  pb::Project values;
  values.set_name("新名称");
  ASSERT_TRUE(Update(kAdmin, created->project_id(), created->revision(), values, {"name"}).ok());
  values.set_name("另一个名称");
  auto stale = Update(kAdmin, created->project_id(), created->revision(), values, {"name"});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  pb::GetProjectRequest get;
  get.set_project_id(created->project_id());
  EXPECT_EQ(registry_->GetProject(kAdmin, get, Deadline())->project().name(), "新名称");
}

TEST_F(RegistryTest, ConcurrentUpdatesFromOneRevisionExactlyOneWins) {
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok());
  for (int round = 0; round < 5; ++round) {
    pb::GetProjectRequest get;
    get.set_project_id(created->project_id());
    const int64_t revision = registry_->GetProject(kAdmin, get, Deadline())->project().revision();
    std::atomic<int> ready{0};
    std::atomic<int> won{0};
    std::atomic<int> aborted{0};
    auto worker = [&](const std::string& name) {
      pb::Project values;
      values.set_name(name);
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      auto result = Update(kAdmin, created->project_id(), revision, values, {"name"});
      if (result.ok()) won.fetch_add(1);
      if (absl::IsAborted(result.status())) aborted.fetch_add(1);
    };
    std::thread a(worker, absl::StrCat("甲", round));
    std::thread b(worker, absl::StrCat("乙", round));
    a.join();
    b.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(aborted.load(), 1);
  }
  EXPECT_EQ(CountRows("project_changes"), 1 + 5);
}

TEST_F(RegistryTest, StageFollowsLegalTransitionsOnly) {
  pb::Project planned = ValidProject();
  planned.set_stage(pb::PROJECT_STAGE_PLANNING);
  planned.clear_actual_start_date();
  auto created = Create(planned);
  ASSERT_TRUE(created.ok()) << created.status();
  pb::Project values;
  values.set_stage(pb::PROJECT_STAGE_COMPLETED);
  values.set_actual_start_date("2023-02-18");
  values.set_actual_completion_date("2023-05-01");
  auto illegal = Update(kAdmin, created->project_id(), created->revision(), values,
                        {"stage", "actual_start_date", "actual_completion_date"});
  ASSERT_EQ(illegal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(illegal.status())[0].field, "project.stage");
  values.set_stage(pb::PROJECT_STAGE_PREPARATION);
  auto legal = Update(kAdmin, created->project_id(), created->revision(), values, {"stage"});
  ASSERT_TRUE(legal.ok()) << legal.status();
  EXPECT_EQ(legal->stage(), pb::PROJECT_STAGE_PREPARATION);
}

TEST_F(RegistryTest, UnitStaffWriteOnlyTheirOwnUnit) {
  pb::Project other = ValidProject();
  other.set_unit_id("331181100");
  other.set_project_code("2023-331181-04-01-000999");
  EXPECT_EQ(Create(other, kLongyuanStaff).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Create(ValidProject(), kLeader).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CountRows("projects"), 0);
  pb::Project untiered = ValidProject();
  untiered.clear_tiers();  // a unit does not mark its own project 重点
  EXPECT_EQ(Create(ValidProject(), kLongyuanStaff).status().code(), absl::StatusCode::kPermissionDenied);
  auto own = Create(untiered, kLongyuanStaff);
  ASSERT_TRUE(own.ok()) << own.status();
  auto theirs = Create(other, kAdmin);
  ASSERT_TRUE(theirs.ok());
  pb::Project values;
  values.set_name("改名");
  EXPECT_EQ(Update(kLongyuanStaff, theirs->project_id(), theirs->revision(), values, {"name"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Nor may they move their own project to another unit.
  values.set_unit_id("331181100");
  EXPECT_EQ(Update(kLongyuanStaff, own->project_id(), own->revision(), values, {"unit_id"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Update(kLongyuanStaff, own->project_id(), own->revision(), values, {"name"}).ok());
}

TEST_F(RegistryTest, UpdateMaskMustNameSettableFields) {
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok());
  auto result = Update(kAdmin, created->project_id(), created->revision(), pb::Project(), {"sector"});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(result.status())[0].field, "update_mask");
  result = Update(kAdmin, created->project_id(), created->revision(), pb::Project(), {});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryTest, ListFiltersPagesAndCounts) {
  for (int i = 0; i < 7; ++i) {
    pb::Project p = ValidProject();
    p.set_project_code(absl::StrCat("2023-331181-04-01-00010", i));
    p.set_name(absl::StrCat(i % 2 ? "水厂" : "道路", i));
    p.set_industry_code(i % 2 ? "4610" : "4813");
    p.set_unit_id(i < 4 ? "331181001" : "D01");
    ASSERT_TRUE(Create(p).ok());
  }
  pb::ListProjectsRequest request;
  request.set_page_size(3);
  std::vector<int64_t> seen;
  do {
    auto page = registry_->ListProjects(kLeader, request, Deadline());
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total_size(), 7);
    for (const auto& p : page->projects()) seen.push_back(p.project_id());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  ASSERT_EQ(seen.size(), 7u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  pb::ListProjectsRequest filtered;
  filtered.mutable_filter()->set_unit_id("D01");
  filtered.mutable_filter()->set_name_contains("水厂");
  auto page = registry_->ListProjects(kLeader, filtered, Deadline());
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total_size(), 1);  // D01 holds i = 4, 5, 6; only 5 is a 水厂
  for (const auto& p : page->projects()) EXPECT_EQ(p.unit_id(), "D01");

  filtered.set_page_token("abc");
  EXPECT_EQ(registry_->ListProjects(kLeader, filtered, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryTest, SummaryCountsSectorsAndManufacturing) {
  const std::vector<std::string> industries = {"0141", "2720", "3584", "4610", "8870", "7010"};
  for (size_t i = 0; i < industries.size(); ++i) {
    pb::Project p = ValidProject();
    p.set_project_code(absl::StrCat("2023-331181-04-01-00020", i));
    p.set_industry_code(industries[i]);
    ASSERT_TRUE(Create(p).ok());
  }
  auto summary = registry_->SummarizeProjects(kLeader, pb::SummarizeProjectsRequest(), Deadline());
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->summary().total(), 6);
  EXPECT_EQ(summary->summary().primary(), 1);
  EXPECT_EQ(summary->summary().secondary(), 3);                // 2720, 3584, 4610
  EXPECT_EQ(summary->summary().secondary_manufacturing(), 2);  // 4610 is 工业 but not 制造业
  EXPECT_EQ(summary->summary().tertiary(), 2);
}

TEST_F(RegistryTest, HistoryRecordsWhoBeforeAndAfter) {
  pb::Project untiered = ValidProject();
  untiered.clear_tiers();
  auto created = Create(untiered, kLongyuanStaff);
  ASSERT_TRUE(created.ok());
  pb::Project values;
  values.set_planned_total_investment_yuan(400'000'000);
  ASSERT_TRUE(
      Update(kAdmin, created->project_id(), created->revision(), values, {"planned_total_investment_yuan"}).ok());
  pb::ListProjectHistoryRequest request;
  request.set_project_id(created->project_id());
  auto history = registry_->ListProjectHistory(kLeader, request, Deadline());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->changes_size(), 2);
  EXPECT_EQ(history->changes(0).actor(), "staff-1");
  EXPECT_EQ(history->changes(0).kind(), pb::CHANGE_KIND_PROJECT_CREATED);
  EXPECT_EQ(history->changes(1).actor(), "admin-1");
  EXPECT_EQ(history->changes(1).before().planned_total_investment_yuan(), 350'000'000);
  EXPECT_EQ(history->changes(1).after().planned_total_investment_yuan(), 400'000'000);
}

TEST_F(RegistryTest, ChangeFeedResumesFromARevisionAndFollowsNewChanges) {
  for (int i = 0; i < 3; ++i) {
    pb::Project p = ValidProject();
    p.set_project_code(absl::StrCat("2023-331181-04-01-00030", i));
    ASSERT_TRUE(Create(p).ok());
  }
  std::vector<int64_t> revisions;
  std::atomic<bool> stop{false};
  std::thread watcher([&] {
    pb::WatchProjectChangesRequest request;
    request.set_from_revision(1);  // already applied revision 1
    ASSERT_TRUE(registry_
                    ->WatchProjectChanges(
                        kAdmin, request,
                        [&](const pb::ProjectChange& c) {
                          revisions.push_back(c.revision());
                          if (revisions.size() == 3) stop = true;
                          return true;
                        },
                        [&] { return stop.load(); })
                    .ok());
  });
  absl::SleepFor(absl::Milliseconds(200));
  pb::Project later = ValidProject();
  later.set_project_code("2023-331181-04-01-000399");
  ASSERT_TRUE(Create(later).ok());
  watcher.join();
  EXPECT_EQ(revisions, (std::vector<int64_t>{2, 3, 4}));
}

TEST_F(RegistryTest, MilestonesNeedANamedOwnerAndDocumentsAHash) {
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok());
  pb::AddMilestoneRequest milestone;
  milestone.mutable_milestone()->set_project_id(created->project_id());
  milestone.mutable_milestone()->set_kind(pb::MILESTONE_KIND_TOPPING_OUT);
  milestone.mutable_milestone()->set_due_date("2023-09-30");
  auto refused = registry_->AddMilestone(kAdmin, milestone, Deadline());
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(refused.status())[0].field, "milestone.owner_name");
  milestone.mutable_milestone()->set_owner_name("张建国");
  auto added = registry_->AddMilestone(kAdmin, milestone, Deadline());
  ASSERT_TRUE(added.ok()) << added.status();
  pb::UpdateMilestoneRequest met;
  met.mutable_milestone()->set_milestone_id(added->milestone().milestone_id());
  met.mutable_milestone()->set_met_date("2023-09-28");
  met.mutable_update_mask()->add_paths("met_date");
  ASSERT_TRUE(registry_->UpdateMilestone(kAdmin, met, Deadline()).ok());

  pb::AddDocumentRequest document;
  document.mutable_document()->set_project_id(created->project_id());
  document.mutable_document()->set_type(pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT);
  document.mutable_document()->set_content_sha256("XYZ");
  auto bad = registry_->AddDocument(kAdmin, document, Deadline());
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(bad.status())[0].field, "document.content_sha256");
  document.mutable_document()->set_content_sha256(std::string(64, 'a'));
  ASSERT_TRUE(registry_->AddDocument(kAdmin, document, Deadline()).ok());

  pb::ListMilestonesRequest list;
  list.set_project_id(created->project_id());
  auto milestones = registry_->ListMilestones(kLeader, list, Deadline());
  ASSERT_EQ(milestones->milestones_size(), 1);
  EXPECT_EQ(milestones->milestones(0).met_date(), "2023-09-28");
  EXPECT_EQ(CountRows("project_changes"), 4);  // created, milestone added and updated, document added

  // Many projects in one call (the dispatch agenda), narrowed to those the caller may read.
  pb::ListMilestonesRequest many;
  many.add_project_ids(created->project_id());
  many.add_project_ids(999'999);  // unknown: left out
  EXPECT_EQ(registry_->ListMilestones(kLeader, many, Deadline())->milestones_size(), 1);
  EXPECT_EQ(registry_->ListMilestones(kLongyuanStaff, many, Deadline())->milestones_size(), 1);
  const Caller other_unit{"staff-9", kRoleUnitStaff, "331181100"};
  auto narrowed = registry_->ListMilestones(other_unit, many, Deadline());
  ASSERT_TRUE(narrowed.ok()) << narrowed.status();
  EXPECT_EQ(narrowed->milestones_size(), 0);
  many.set_project_id(created->project_id());
  EXPECT_EQ(FieldViolationsOf(registry_->ListMilestones(kLeader, many, Deadline()).status())[0].field, "project_id");
}

class RukuTest : public RegistryTest {
 protected:
  absl::StatusOr<pb::RukuApplication> Step(const Caller& caller, int64_t id, pb::RukuState to,
                                           const std::string& reason = "", const std::string& date = "") {
    pb::TransitionRukuApplicationRequest request;
    request.set_application_id(id);
    request.set_to_state(to);
    request.set_reason(reason);
    request.set_effective_date(date);
    auto response = registry_->TransitionRukuApplication(caller, request, Deadline());
    if (!response.ok()) return response.status();
    return response->application();
  }

  // Files the materials a construction project needs, the provincial-size ones included.
  void FileMaterials(int64_t project_id) {
    for (auto type :
         {pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, pb::DOCUMENT_TYPE_APPROVAL,
          pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, pb::DOCUMENT_TYPE_DESIGN, pb::DOCUMENT_TYPE_FEASIBILITY_STUDY}) {
      pb::AddDocumentRequest request;
      request.mutable_document()->set_project_id(project_id);
      request.mutable_document()->set_type(type);
      request.mutable_document()->set_content_sha256(std::string(64, 'c'));
      request.mutable_document()->set_taken_at("2023-03-01T10:00:00+08:00");
      request.mutable_document()->set_taken_place("龙渊街道");
      ASSERT_TRUE(registry_->AddDocument(kAdmin, request, Deadline()).ok());
    }
  }

  absl::StatusOr<pb::RukuApplication> Apply(const pb::Project& project) {
    pb::CreateRukuApplicationRequest request;
    request.mutable_application()->set_project_id(project.project_id());
    request.mutable_application()->set_reviewing_department_id("D01");
    auto response = registry_->CreateRukuApplication(kLongyuanStaff, request, Deadline());
    if (!response.ok()) return response.status();
    return response->application();
  }

  const Caller kDeptReviewer{"dept-1", kRoleDeptReviewer, "D01"};
  const Caller kStats{"stats-1", kRoleStatsOfficer, ""};
};

// A step retried with its request id after its answer was lost (the fault test's kills) is answered with the
// application as the step left it, not refused by that step's rules (SUBMITTED cannot be submitted); the id is
// its caller's, for that step of that application only. The same for an application created again.
TEST_F(RukuTest, ARetriedStepIsAnsweredAsTakenOnce) {
  auto project = Create(ValidProject());
  ASSERT_TRUE(project.ok()) << project.status();
  FileMaterials(project->project_id());
  auto app = Apply(*project);
  ASSERT_TRUE(app.ok()) << app.status();
  pb::TransitionRukuApplicationRequest request;
  request.set_application_id(app->application_id());
  request.set_to_state(pb::RUKU_STATE_SUBMITTED);
  request.set_request_id("submit-once");
  auto first = registry_->TransitionRukuApplication(kLongyuanStaff, request, Deadline());
  ASSERT_TRUE(first.ok()) << first.status();
  auto again = registry_->TransitionRukuApplication(kLongyuanStaff, request, Deadline());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->application().state(), pb::RUKU_STATE_SUBMITTED);
  EXPECT_EQ(again->application().history_size(), first->application().history_size());
  // The same id for another step, or from another caller: refused, naming it, and nothing recorded.
  pb::TransitionRukuApplicationRequest review = request;
  review.set_to_state(pb::RUKU_STATE_DEPT_REVIEWED);
  for (const Caller* caller : {&kLongyuanStaff, &kDeptReviewer}) {
    auto reused = registry_->TransitionRukuApplication(*caller, review, Deadline());
    ASSERT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument) << reused.status();
    EXPECT_EQ(FieldViolationsOf(reused.status())[0].field, "request_id");
  }
  auto reviewed_by_other = registry_->TransitionRukuApplication(kDeptReviewer, request, Deadline());
  EXPECT_EQ(reviewed_by_other.status().code(), absl::StatusCode::kInvalidArgument);
  auto stored = registry_->GetRukuApplication(
      kAdmin,
      [&] {
        pb::GetRukuApplicationRequest get;
        get.set_application_id(app->application_id());
        return get;
      }(),
      Deadline());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->application().state(), pb::RUKU_STATE_SUBMITTED);
  EXPECT_EQ(stored->application().history_size(), first->application().history_size());
  // An application's request id given again for another project: refused, not that project's application.
  pb::Project second = ValidProject();
  second.set_project_code("2023-331181-04-01-000124");
  auto other = Create(second);
  ASSERT_TRUE(other.ok()) << other.status();
  pb::CreateRukuApplicationRequest create;
  create.mutable_application()->set_project_id(other->project_id());
  create.mutable_application()->set_reviewing_department_id("D01");
  create.set_request_id("apply-once");
  auto applied = registry_->CreateRukuApplication(kLongyuanStaff, create, Deadline());
  ASSERT_TRUE(applied.ok()) << applied.status();
  auto applied_again = registry_->CreateRukuApplication(kLongyuanStaff, create, Deadline());
  ASSERT_TRUE(applied_again.ok()) << applied_again.status();
  EXPECT_EQ(applied_again->application().application_id(), applied->application().application_id());
  create.mutable_application()->set_project_id(project->project_id());
  auto reused = registry_->CreateRukuApplication(kLongyuanStaff, create, Deadline());
  ASSERT_EQ(reused.status().code(), absl::StatusCode::kInvalidArgument) << reused.status();
  EXPECT_EQ(FieldViolationsOf(reused.status())[0].field, "request_id");
}

TEST_F(RukuTest, ProjectOverOneYiPassesTheProvinceAndBecomesRuku) {
  auto project = Create(ValidProject());  // 3.5亿: province review, no national review
  ASSERT_TRUE(project.ok());
  auto app = Apply(*project);
  // Without its materials the application cannot be submitted.
  EXPECT_EQ(Step(kLongyuanStaff, app->application_id(), pb::RUKU_STATE_SUBMITTED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  FileMaterials(project->project_id());
  ASSERT_TRUE(app.ok()) << app.status();
  const int64_t id = app->application_id();
  ASSERT_TRUE(Step(kLongyuanStaff, id, pb::RUKU_STATE_SUBMITTED).ok());
  ASSERT_TRUE(Step(kDeptReviewer, id, pb::RUKU_STATE_DEPT_REVIEWED).ok());
  ASSERT_TRUE(Step(kStats, id, pb::RUKU_STATE_STATS_REVIEW).ok());
  EXPECT_EQ(Step(kStats, id, pb::RUKU_STATE_APPROVED, "", "2023-03-15").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // An approval names its date (入库日期): never guessed as today.
  const auto undated = FieldViolationsOf(Step(kStats, id, pb::RUKU_STATE_APPROVED).status());
  ASSERT_EQ(undated.size(), 1u);
  EXPECT_EQ(undated[0].field, "effective_date");
  ASSERT_TRUE(Step(kStats, id, pb::RUKU_STATE_PROVINCE_REVIEW).ok());
  // 先开工,后入库: a 入库 date before the actual start (2023-02-18) is refused, naming the field.
  const auto early = FieldViolationsOf(Step(kStats, id, pb::RUKU_STATE_APPROVED, "", "2023-02-17").status());
  ASSERT_EQ(early.size(), 1u);
  EXPECT_EQ(early[0].field, "effective_date");
  auto approved = Step(kStats, id, pb::RUKU_STATE_APPROVED, "", "2023-03-15");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->history_size(), 5);
  EXPECT_EQ(approved->history(4).actor(), "stats-1");
  pb::GetProjectRequest get;
  get.set_project_id(project->project_id());
  auto read = registry_->GetProject(kLeader, get, Deadline());
  EXPECT_EQ(read->project().ruku_state(), pb::RUKU_STATE_APPROVED);
  EXPECT_EQ(read->project().ruku_date(), "2023-03-15");
  // Nor may the start move after the 入库 date once it is 入库.
  pb::Project later;
  later.set_actual_start_date("2023-03-16");
  const auto moved = FieldViolationsOf(
      Update(kAdmin, project->project_id(), read->project().revision(), later, {"actual_start_date"}).status());
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(moved[0].field, "project.actual_start_date");
  pb::ListProjectHistoryRequest history;
  history.set_project_id(project->project_id());
  // Created, six documents filed, five steps.
  EXPECT_EQ(registry_->ListProjectHistory(kLeader, history, Deadline())->changes_size(), 1 + 6 + 5);
}

TEST_F(RukuTest, EachStepBelongsToOneRoleAndAWrongRoleChangesNothing) {
  auto project = Create(ValidProject());
  FileMaterials(project->project_id());
  auto app = Apply(*project);
  ASSERT_TRUE(app.ok());
  const int64_t id = app->application_id();
  EXPECT_EQ(Step(kDeptReviewer, id, pb::RUKU_STATE_SUBMITTED).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(Step(kLongyuanStaff, id, pb::RUKU_STATE_SUBMITTED).ok());
  EXPECT_EQ(Step(kLongyuanStaff, id, pb::RUKU_STATE_DEPT_REVIEWED).status().code(),
            absl::StatusCode::kPermissionDenied);
  const Caller other_dept{"dept-2", kRoleDeptReviewer, "D02"};
  EXPECT_EQ(Step(other_dept, id, pb::RUKU_STATE_DEPT_REVIEWED).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Step(kStats, id, pb::RUKU_STATE_DEPT_REVIEWED).status().code(), absl::StatusCode::kPermissionDenied);
  // Returning needs a reason; with one, the unit may submit again.
  EXPECT_EQ(Step(kDeptReviewer, id, pb::RUKU_STATE_RETURNED).status().code(), absl::StatusCode::kInvalidArgument);
  pb::GetRukuApplicationRequest get;
  get.set_application_id(id);
  EXPECT_EQ(registry_->GetRukuApplication(kLeader, get, Deadline())->application().state(), pb::RUKU_STATE_SUBMITTED);
  auto returned = Step(kDeptReviewer, id, pb::RUKU_STATE_RETURNED, "缺施工合同");
  ASSERT_TRUE(returned.ok());
  EXPECT_EQ(returned->history(1).reason(), "缺施工合同");
  EXPECT_TRUE(Step(kLongyuanStaff, id, pb::RUKU_STATE_SUBMITTED).ok());
}

TEST_F(RukuTest, GuardRefusesSmallOrUnstartedProjects) {
  pb::Project small = ValidProject();
  small.set_planned_total_investment_yuan(4'999'999);
  auto project = Create(small);
  auto app = Apply(*project);
  ASSERT_TRUE(app.ok());
  auto refused = Step(kLongyuanStaff, app->application_id(), pb::RUKU_STATE_SUBMITTED);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("500万元"), std::string::npos);

  pb::Project purchase = ValidProject();
  purchase.set_project_code("2023-331181-04-01-000777");
  purchase.set_construction_nature(pb::CONSTRUCTION_NATURE_PURCHASE_ONLY);
  auto bought = Create(purchase);
  auto app2 = Apply(*bought);
  EXPECT_EQ(Step(kLongyuanStaff, app2->application_id(), pb::RUKU_STATE_SUBMITTED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  pb::AddDocumentRequest photo;
  photo.mutable_document()->set_project_id(bought->project_id());
  photo.mutable_document()->set_type(pb::DOCUMENT_TYPE_DELIVERY_PHOTO);
  photo.mutable_document()->set_content_sha256(std::string(64, 'b'));
  photo.mutable_document()->set_taken_at("2023-03-01T10:00:00+08:00");
  photo.mutable_document()->set_taken_place("龙渊街道");
  ASSERT_TRUE(registry_->AddDocument(kLongyuanStaff, photo, Deadline()).ok());
  auto missing = Step(kLongyuanStaff, app2->application_id(), pb::RUKU_STATE_SUBMITTED);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("购置合同"), std::string::npos) << missing.status();
  // The unit sees the same list before it tries: on the application it reads.
  pb::GetRukuApplicationRequest read_app;
  read_app.set_application_id(app2->application_id());
  auto draft = registry_->GetRukuApplication(kLongyuanStaff, read_app, Deadline());
  ASSERT_TRUE(draft.ok()) << draft.status();
  std::string listed;
  for (const auto& m : draft->application().missing_materials()) listed += m + " ";
  EXPECT_NE(listed.find("购置合同"), std::string::npos) << listed;
  EXPECT_NE(listed.find("付款凭证"), std::string::npos) << listed;
  EXPECT_EQ(listed.find("到货照片"), std::string::npos) << "filed above: " << listed;
  for (auto type : {pb::DOCUMENT_TYPE_PURCHASE_CONTRACT, pb::DOCUMENT_TYPE_PAYMENT_VOUCHER}) {
    photo.mutable_document()->set_type(type);
    ASSERT_TRUE(registry_->AddDocument(kLongyuanStaff, photo, Deadline()).ok());
  }
  EXPECT_TRUE(Step(kLongyuanStaff, app2->application_id(), pb::RUKU_STATE_SUBMITTED).ok());
}

TEST_F(RukuTest, MissingListsStartedProjectsNotYetRukuWithTheirLight) {
  pb::Project started = ValidProject();  // started 2023-02-18, 3.5亿
  auto a = Create(started);
  pb::Project small = ValidProject();
  small.set_project_code("2023-331181-04-01-000601");
  small.set_planned_total_investment_yuan(4'000'000);  // below 500万: not 应统
  ASSERT_TRUE(Create(small).ok());
  pb::Project recent = ValidProject();
  recent.set_project_code("2023-331181-04-01-000602");
  recent.set_unit_id("331181100");
  recent.set_actual_start_date("2023-04-01");
  auto b = Create(recent);
  ASSERT_TRUE(a.ok() && b.ok());
  pb::ListMissingRukuRequest request;
  request.set_as_of_date("2023-05-01");
  auto missing = registry_->ListMissingRuku(kLeader, request, Deadline());
  ASSERT_TRUE(missing.ok()) << missing.status();
  ASSERT_EQ(missing->entries_size(), 2);
  EXPECT_EQ(missing->entries(0).project().project_id(), a->project_id());
  EXPECT_EQ(missing->entries(0).light(), pb::MISSING_RUKU_LIGHT_RED);
  EXPECT_EQ(missing->entries(1).light(), pb::MISSING_RUKU_LIGHT_YELLOW);
  EXPECT_EQ(missing->red_by_unit().at("331181001"), 1);
  EXPECT_EQ(missing->yellow_by_unit().at("331181100"), 1);
  // Once 入库, a project leaves the list.
  FileMaterials(a->project_id());
  auto app = Apply(*a);
  for (auto [who, to] : {std::pair{kLongyuanStaff, pb::RUKU_STATE_SUBMITTED},
                         {kDeptReviewer, pb::RUKU_STATE_DEPT_REVIEWED},
                         {kStats, pb::RUKU_STATE_STATS_REVIEW},
                         {kStats, pb::RUKU_STATE_PROVINCE_REVIEW},
                         {kStats, pb::RUKU_STATE_APPROVED}}) {
    ASSERT_TRUE(Step(who, app->application_id(), to, "", to == pb::RUKU_STATE_APPROVED ? "2023-03-15" : "").ok());
  }
  EXPECT_EQ(registry_->ListMissingRuku(kLeader, request, Deadline())->entries_size(), 1);
  request.set_as_of_date("2023-13-01");
  EXPECT_EQ(registry_->ListMissingRuku(kLeader, request, Deadline()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RukuTest, OneLiveApplicationPerProject) {
  auto project = Create(ValidProject());
  ASSERT_TRUE(Apply(*project).ok());
  EXPECT_EQ(Apply(*project).status().code(), absl::StatusCode::kAlreadyExists);
}

}  // namespace
}  // namespace saima::registry

namespace saima::registry {
namespace {

// Two registry processes ("replicas") on one database, each remembering projects (project_cache.h).
class ProjectCacheTest : public RegistryTest {
 protected:
  struct Replica {
    explicit Replica(const std::string& url)
        : pool(url, 2, RegistryStatements()),
          listener(url, "saima_projects"),
          cache([this] { return listener.live() ? std::optional<uint64_t>(listener.count()) : std::nullopt; },
                [this] { listener.Poke(); }),
          store(pool, &cache),
          registry(store, ReferenceData::Embedded()) {}
    PgPool pool;
    PgListener listener;
    ProjectCache cache;
    PgRegistryStore store;
    Registry registry;
  };

  static std::string NameIn(Replica& replica, int64_t id) {
    pb::GetProjectRequest get;
    get.set_project_id(id);
    auto got = replica.registry.GetProject(kAdmin, get, Deadline());
    return got.ok() ? got->project().name() : got.status().ToString();
  }
  static void WaitLive(Replica& replica) {
    for (int i = 0; i < 500 && !replica.listener.live(); ++i) absl::SleepFor(absl::Milliseconds(10));
  }
  static void SetNameBehindTheRegistrysBack(int64_t id, const std::string& name, bool notify) {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    if (!notify) txn.exec("ALTER TABLE registry.projects DISABLE TRIGGER projects_changed");
    txn.exec_params(
        "UPDATE registry.projects SET doc = jsonb_set(doc, '{name}', to_jsonb($2::text)) WHERE "
        "project_id = $1",
        id, name);
    if (!notify) txn.exec("ALTER TABLE registry.projects ENABLE TRIGGER projects_changed");
    txn.commit();
  }
};

TEST_F(ProjectCacheTest, AReplicaServesWhatItRemembersUntilAnyReplicaChangesAProject) {
  Replica a(PgHarness::Shared().Url("registry")), b(PgHarness::Shared().Url("registry"));
  WaitLive(a);
  WaitLive(b);
  ASSERT_TRUE(a.listener.live() && b.listener.live());
  pb::GetProjectRequest get;
  auto created = Create(ValidProject());
  ASSERT_TRUE(created.ok());
  const int64_t id = created->project_id();
  absl::SleepFor(absl::Milliseconds(200));  // the creation's own notification has come and gone
  ASSERT_EQ(NameIn(a, id), ValidProject().name());
  EXPECT_EQ(a.cache.size(), 1u);
  // Remembered: a change that tells nobody (the trigger off) is not seen...
  SetNameBehindTheRegistrysBack(id, "无人知晓的名称", /*notify=*/false);
  EXPECT_EQ(NameIn(a, id), ValidProject().name());
  // ...and any change that commits with the notification is, within moments, by every replica.
  SetNameBehindTheRegistrysBack(id, "改过的名称", /*notify=*/true);
  std::string seen;
  for (int i = 0; i < 200 && (seen = NameIn(a, id)) != "改过的名称"; ++i) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(seen, "改过的名称");

  // A replica reads its own write at once; the other within moments.
  ASSERT_EQ(NameIn(b, id), "改过的名称");
  pb::Project values;
  values.set_name("副本乙写的名称");
  pb::UpdateProjectRequest update;
  update.set_project_id(id);
  get.set_project_id(id);
  update.set_expected_revision(b.registry.GetProject(kAdmin, get, Deadline())->project().revision());
  *update.mutable_project() = values;
  update.mutable_update_mask()->add_paths("name");
  ASSERT_TRUE(b.registry.UpdateProject(kAdmin, update, Deadline()).ok());
  EXPECT_EQ(NameIn(b, id), "副本乙写的名称");
  for (int i = 0; i < 200 && (seen = NameIn(a, id)) != "副本乙写的名称"; ++i) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(seen, "副本乙写的名称");
}

}  // namespace
}  // namespace saima::registry
