// The stats use cases on a real PostgreSQL: 先入库,后有数, the checks, locks, corrections, versions, imports and
// the change feed's dims.

#include <functional>

#include "absl/strings/str_format.h"
#include "common/audit.h"
#include "common/digest.h"
#include "common/embedded.h"
#include "common/merkle.h"
#include "common/names.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "services/stats/import_audit.h"
#include "services/stats/package_digest.h"
#include "services/stats/stats.h"
#include "tests/pg_harness.h"

namespace saima {
extern const EmbeddedFile kStatsMigrations[];
}

namespace saima::stats {
namespace {

using ::saima::testing::PgHarness;

absl::Time Deadline() { return absl::Now() + absl::Seconds(10); }

class FixedUnits : public UnitDirectory {
 public:
  std::map<std::string, std::string> UnitNames(absl::Time) override { return {{"331181001", "龙渊街道"}}; }
};

const Caller kUnitStaff{"staff-1", kRoleUnitStaff, "331181001"};
const Caller kOtherStaff{"staff-2", kRoleUnitStaff, "331181100"};
const Caller kBureau{"tjj-1", kRoleStatsOfficer, ""};
const Caller kLeader{"leader-1", kRoleLeader, ""};

class StatsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(Migrate(PgHarness::Shared().Url("stats"), "stats", kStatsMigrations).ok());
  }

  void SetUp() override {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec(
        "TRUNCATE stats.project_dims, stats.annual_plans, stats.monthly_reports, stats.report_requests, "
        "stats.period_locks, stats.package_versions, stats.package_rows, stats.package_divisions, "
        "stats.peer_figures, stats.figure_flags, stats.flag_dismissals, stats.imports, stats.rollup_periods CASCADE");
    txn.exec("UPDATE stats.feed_position SET revision = 0");
    txn.commit();
    pool_ = std::make_unique<PgPool>(PgHarness::Shared().Url("stats"), 4, StatsStatements());
    store_ = std::make_unique<StatsStore>(*pool_);
    stats_ = std::make_unique<Stats>(*store_, units_, CodeTables::Default(), StatusThresholds{});
  }

  // Feeds one project change as the registry's change feed would.
  void Feed(int64_t revision, int64_t project_id, reg::RukuState state, const std::string& ruku_date,
            const std::function<void(reg::Project*)>& edit = nullptr) {
    reg::ProjectChange change;
    change.set_revision(revision);
    auto* p = change.mutable_after();
    p->set_project_id(project_id);
    p->set_unit_id("331181001");
    p->set_name("测试项目");
    p->set_industry_code("2720");
    p->set_sector(reg::SECTOR_SECONDARY);
    p->set_manufacturing(true);
    p->set_ownership(reg::OWNERSHIP_PRIVATE);
    p->add_tiers(reg::PROJECT_TIER_KEY);
    p->set_stage(reg::PROJECT_STAGE_CONSTRUCTION);
    p->set_planned_total_investment_yuan(100'000'000);
    p->set_actual_start_date("2023-01-05");
    p->set_ruku_state(state);
    p->set_ruku_date(ruku_date);
    if (edit) edit(p);
    ASSERT_TRUE(store_->ApplyChange(change, Deadline()).ok());
  }

  static pb::MonthlyReport Report(const std::string& period, int64_t month, int64_t ytd) {
    pb::MonthlyReport r;
    r.set_project_id(1);
    r.set_period(period);
    r.set_month_yuan(month);
    r.set_ytd_yuan(ytd);
    r.mutable_ytd_breakdown()->set_construction_yuan(ytd / 2);
    r.mutable_ytd_breakdown()->set_installation_yuan(ytd / 4);
    r.mutable_ytd_breakdown()->set_equipment_yuan(ytd - ytd / 2 - ytd / 4);
    r.set_since_start_yuan(ytd + 1'000'000);
    return r;
  }

  absl::StatusOr<pb::MonthlyReport> Submit(const Caller& caller, const pb::MonthlyReport& r,
                                           const std::string& request_id = "") {
    pb::SubmitMonthlyReportRequest request;
    *request.mutable_report() = r;
    request.set_request_id(request_id);
    auto response = stats_->SubmitMonthlyReport(caller, request, Deadline());
    if (!response.ok()) return response.status();
    return response->report();
  }

  int64_t Versions(const std::string& period) {
    pb::ListMonthlyReportVersionsRequest request;
    request.set_project_id(1);
    request.set_period(period);
    return stats_->ListMonthlyReportVersions(kLeader, request, Deadline())->versions_size();
  }

  FixedUnits units_;
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<StatsStore> store_;
  std::unique_ptr<Stats> stats_;
};

TEST_F(StatsTest, FiguresWaitForRuku) {
  Feed(1, 1, reg::RUKU_STATE_STATS_REVIEW, "");
  auto refused = Submit(kUnitStaff, Report("2023-02", 100, 100));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("先入库"), std::string::npos);
  Feed(2, 1, reg::RUKU_STATE_APPROVED, "2023-03-10");
  // 入库 in March: February's figure is still refused, March's accepted.
  EXPECT_EQ(Submit(kUnitStaff, Report("2023-02", 100, 100)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Submit(kUnitStaff, Report("2023-03", 100, 100)).ok());
  EXPECT_EQ(Versions("2023-02"), 0);
}

// int64 extremes are refused with the field named; a row stored before the bounds (and the database's CHECK)
// existed makes the reports fail with a message naming the project, not wrap or crash, and a verified figure that
// supersedes it brings them back.
TEST_F(StatsTest, AbsurdAmountsAreRefusedAndALegacyRowIsCorrectable) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  pb::MonthlyReport absurd = Report("2023-02", 100, 100);
  absurd.mutable_ytd_breakdown()->set_construction_yuan(INT64_MAX);
  absurd.mutable_ytd_breakdown()->set_installation_yuan(INT64_MAX);
  auto refused = Submit(kUnitStaff, absurd);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(refused.status())[0].field, "report.ytd_breakdown.construction_yuan");
  EXPECT_EQ(Versions("2023-02"), 0);
  {
    // What a database from before the bounds may hold.
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec("ALTER TABLE stats.monthly_reports DROP CONSTRAINT amounts_in_range");
    txn.exec(
        "INSERT INTO stats.monthly_reports (project_id, period, version, kind, month_yuan, ytd_yuan, "
        "construction_yuan, installation_yuan, equipment_yuan, other_yuan, since_start_yuan, actor) VALUES "
        "(1, '2023-02', 1, 1, 100, 100, 9223372036854775807, 9223372036854775807, 0, 0, 100, 'legacy')");
    txn.exec(
        "ALTER TABLE stats.monthly_reports ADD CONSTRAINT amounts_in_range CHECK (month_yuan BETWEEN 0 AND "
        "100000000000000 AND ytd_yuan BETWEEN 0 AND 100000000000000 AND construction_yuan BETWEEN 0 AND "
        "100000000000000 AND installation_yuan BETWEEN 0 AND 100000000000000 AND equipment_yuan BETWEEN 0 AND "
        "100000000000000 AND other_yuan BETWEEN 0 AND 100000000000000 AND since_start_yuan BETWEEN 0 AND "
        "100000000000000) NOT VALID");
    txn.commit();
  }
  pb::GetIndicatorsRequest indicators;
  indicators.set_period("2023-02");
  auto broken = stats_->GetIndicators(kLeader, indicators, Deadline());
  ASSERT_EQ(broken.status().code(), absl::StatusCode::kOutOfRange) << broken.status();
  EXPECT_NE(ChineseMessageOf(broken.status()).find("项目 1"), std::string::npos);
  // The bureau verifies the month's true figures: the reports recover.
  pb::VerifyMonthlyReportRequest verify;
  *verify.mutable_report() = Report("2023-02", 100, 100);
  ASSERT_TRUE(stats_->VerifyMonthlyReport(kBureau, verify, Deadline()).ok());
  auto recovered = stats_->GetIndicators(kLeader, indicators, Deadline());
  ASSERT_TRUE(recovered.ok()) << recovered.status();
  EXPECT_EQ(recovered->total().ytd_yuan(), 100);
}

TEST_F(StatsTest, ChangeFeedReplaysAreHarmless) {
  Feed(5, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  Feed(4, 1, reg::RUKU_STATE_DRAFT, "");  // older revision, delivered again: ignored
  EXPECT_EQ(*store_->FeedPosition(Deadline()), 5);
  auto dims = store_->GetDims(1, Deadline());
  EXPECT_EQ((*dims)->ruku_state, reg::RUKU_STATE_APPROVED);
}

TEST_F(StatsTest, OnlyTheProjectsUnitReports) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  EXPECT_EQ(Submit(kOtherStaff, Report("2023-02", 100, 100)).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Submit(kLeader, Report("2023-02", 100, 100)).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Versions("2023-02"), 0);
}

TEST_F(StatsTest, MonthsChainAndTheSameReportIsRecordedOnce) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 100, 100)).ok());
  auto broken = Submit(kUnitStaff, Report("2023-03", 50, 160));  // 100 + 50 ≠ 160
  ASSERT_EQ(broken.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(broken.status())[0].field, "report.ytd_yuan");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-03", 60, 160)).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-03", 60, 160)).ok());
  EXPECT_EQ(Versions("2023-03"), 1);
  // A retried request id returns its first result even if the body changed meanwhile.
  auto first = Submit(kUnitStaff, Report("2023-03", 70, 170), "req-1");
  ASSERT_TRUE(first.ok());
  auto retry = Submit(kUnitStaff, Report("2023-03", 70, 170), "req-1");
  EXPECT_EQ(retry->version(), first->version());
  EXPECT_EQ(Versions("2023-03"), 2);
}

TEST_F(StatsTest, ALockedPeriodChangesOnlyByACorrectionAndKeepsEveryVersion) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 100, 100)).ok());
  pb::LockPeriodRequest lock;
  lock.set_period("2023-02");
  EXPECT_EQ(stats_->LockPeriod(kUnitStaff, lock, Deadline()).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(stats_->LockPeriod(kBureau, lock, Deadline()).ok());
  EXPECT_EQ(Submit(kUnitStaff, Report("2023-02", 120, 120)).status().code(), absl::StatusCode::kFailedPrecondition);
  pb::CorrectMonthlyReportRequest correct;
  *correct.mutable_report() = Report("2023-02", 120, 120);
  EXPECT_EQ(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).status().code(),
            absl::StatusCode::kInvalidArgument);  // a reason is required
  correct.set_reason("核定时发现漏报设备购置");
  auto corrected = stats_->CorrectMonthlyReport(kBureau, correct, Deadline());
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->report().kind(), pb::FIGURE_KIND_CORRECTED);
  pb::GetMonthlyReportRequest get;
  get.set_project_id(1);
  get.set_period("2023-02");
  EXPECT_EQ(stats_->GetMonthlyReport(kLeader, get, Deadline())->report().ytd_yuan(), 120);
  EXPECT_EQ(Versions("2023-02"), 2);
  // A correction of an unlocked period is refused: submit instead.
  correct.mutable_report()->set_period("2023-03");
  correct.mutable_report()->set_month_yuan(20);
  EXPECT_EQ(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(StatsTest, VerifiedFigureIsOfficialOverReported) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 100, 100)).ok());
  pb::VerifyMonthlyReportRequest verify;
  *verify.mutable_report() = Report("2023-02", 90, 90);
  EXPECT_EQ(stats_->VerifyMonthlyReport(kUnitStaff, verify, Deadline()).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(stats_->VerifyMonthlyReport(kBureau, verify, Deadline()).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 110, 110)).ok());  // the unit's later figure stays reported
  pb::GetMonthlyReportRequest get;
  get.set_project_id(1);
  get.set_period("2023-02");
  auto official = stats_->GetMonthlyReport(kLeader, get, Deadline());
  EXPECT_EQ(official->report().ytd_yuan(), 90);
  EXPECT_EQ(official->report().kind(), pb::FIGURE_KIND_VERIFIED);
}

// A project's figures across periods are read period by period through the primary key (migration 011): the
// official version of each, within the bounds asked, and each project's newest at or before a period.
TEST_F(StatsTest, AProjectsFiguresAcrossPeriodsAreTheOfficialOnes) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  Feed(2, 2, reg::RUKU_STATE_APPROVED, "2023-01-10");
  Feed(3, 3, reg::RUKU_STATE_APPROVED, "2023-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 100, 100)).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-03", 60, 160)).ok());
  pb::VerifyMonthlyReportRequest verify;
  *verify.mutable_report() = Report("2023-03", 50, 150);
  ASSERT_TRUE(stats_->VerifyMonthlyReport(kBureau, verify, Deadline()).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-03", 70, 170)).ok());  // reported after the verified one: not official
  // Project 3 reports later months, so periods after project 1's last are stored.
  for (auto [period, month, ytd] : std::vector<std::tuple<std::string, int64_t, int64_t>>{
           {"2023-02", 10, 10}, {"2023-03", 12, 22}, {"2023-04", 9, 31}, {"2023-05", 11, 42}}) {
    pb::MonthlyReport r = Report(period, month, ytd);
    r.set_project_id(3);
    auto submitted = Submit(kUnitStaff, r);
    ASSERT_TRUE(submitted.ok()) << period << " " << submitted.status();
  }
  auto figures = [&](int64_t project, const std::string& from, const std::string& to) {
    pb::ListProjectFiguresRequest q;
    q.set_project_id(project);
    q.set_from_period(from);
    q.set_to_period(to);
    auto r = stats_->ListProjectFigures(kLeader, q, Deadline());
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& m : r->reports()) out.emplace_back(m.period(), m.ytd_yuan());
    return out;
  };
  using Figures = std::vector<std::pair<std::string, int64_t>>;
  EXPECT_EQ(figures(1, "", ""), (Figures{{"2023-02", 100}, {"2023-03", 150}}));
  EXPECT_EQ(figures(1, "2023-03", ""), (Figures{{"2023-03", 150}}));
  EXPECT_EQ(figures(1, "", "2023-02"), (Figures{{"2023-02", 100}}));
  EXPECT_EQ(figures(1, "2022-02", "2030-12"), (Figures{{"2023-02", 100}, {"2023-03", 150}}));
  EXPECT_EQ(figures(3, "2023-03", "2023-04"), (Figures{{"2023-03", 22}, {"2023-04", 31}}));
  EXPECT_EQ(figures(2, "", ""), Figures{});
  auto latest = [&](std::vector<int64_t> projects, const std::string& period) {
    pb::ListLatestFiguresRequest q;
    for (int64_t p : projects) q.add_project_ids(p);
    q.set_period(period);
    auto r = stats_->ListLatestFigures(kLeader, q, Deadline());
    EXPECT_TRUE(r.ok()) << r.status();
    std::vector<std::tuple<int64_t, std::string, int64_t>> out;
    for (const auto& m : r->reports()) out.emplace_back(m.project_id(), m.period(), m.ytd_yuan());
    return out;
  };
  using Latest = std::vector<std::tuple<int64_t, std::string, int64_t>>;
  EXPECT_EQ(latest({3, 1, 2, 1}, "2023-12"), (Latest{{1, "2023-03", 150}, {3, "2023-05", 42}}));
  EXPECT_EQ(latest({1, 3}, "2023-04"), (Latest{{1, "2023-03", 150}, {3, "2023-04", 31}}));
  EXPECT_EQ(latest({1, 3}, "2023-02"), (Latest{{1, "2023-02", 100}, {3, "2023-02", 10}}));
  EXPECT_EQ(latest({1}, "2022-12"), Latest{});
}

TEST_F(StatsTest, ImportWithABadRowImportsNothingUnlessAsked) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  std::vector<pb::MonthlyReport> rows = {Report("2023-02", 100, 100), Report("2023-03", 60, 160),
                                         Report("2023-04", 50, 999)};  // 160 + 50 ≠ 999
  auto from = [](const std::vector<pb::MonthlyReport>& rows) {
    return [rows, i = size_t{0}](pb::MonthlyReport* row) mutable {
      if (i >= rows.size()) return false;
      *row = rows[i++];
      return true;
    };
  };
  auto all_or_nothing = stats_->ImportMonthlyReports(kUnitStaff, from(rows), false, Deadline());
  ASSERT_TRUE(all_or_nothing.ok()) << all_or_nothing.status();
  EXPECT_EQ(all_or_nothing->rows_imported(), 0);
  ASSERT_EQ(all_or_nothing->errors_size(), 1);
  EXPECT_EQ(all_or_nothing->errors(0).row(), 3);
  EXPECT_EQ(all_or_nothing->errors(0).field(), "report.ytd_yuan");
  EXPECT_EQ(Versions("2023-02"), 0);
  auto good_rows = stats_->ImportMonthlyReports(kUnitStaff, from(rows), true, Deadline());
  EXPECT_EQ(good_rows->rows_imported(), 2);
  EXPECT_EQ(Versions("2023-03"), 1);
  // The same file again records nothing more.
  auto again = stats_->ImportMonthlyReports(kUnitStaff, from(rows), true, Deadline());
  EXPECT_EQ(again->rows_imported(), 0);
  EXPECT_EQ(Versions("2023-03"), 1);
}

TEST_F(StatsTest, ImportAcceptsMonthsInAnyOrder) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  std::vector<pb::MonthlyReport> rows = {Report("2023-04", 50, 210), Report("2023-02", 100, 100),
                                         Report("2023-03", 60, 160)};
  size_t i = 0;
  auto next = [&](pb::MonthlyReport* row) {
    if (i >= rows.size()) return false;
    *row = rows[i++];
    return true;
  };
  auto result = stats_->ImportMonthlyReports(kUnitStaff, next, false, Deadline());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->errors_size(), 0) << result->DebugString();
  EXPECT_EQ(result->rows_imported(), 3);
  EXPECT_EQ(Versions("2023-04"), 1);
}

// An import checks rows against the projects as the change feed has them when it begins, though the service keeps
// what the last import read: a project that entered the database, or moved to another unit, in between counts.
TEST_F(StatsTest, AnImportSeesTheProjectsAsTheFeedHasThemNow) {
  Feed(1, 1, reg::RUKU_STATE_STATS_REVIEW, "");
  auto import = [this](const pb::MonthlyReport& only) {
    bool given = false;
    return stats_->ImportMonthlyReports(
        kUnitStaff,
        [&](pb::MonthlyReport* row) {
          if (given) return false;
          *row = only;
          given = true;
          return true;
        },
        true, Deadline());
  };
  auto not_yet = import(Report("2023-02", 100, 100));
  ASSERT_TRUE(not_yet.ok()) << not_yet.status();
  ASSERT_EQ(not_yet->errors_size(), 1);
  EXPECT_NE(not_yet->errors(0).localized_rule().find("尚未入库"), std::string::npos) << not_yet->DebugString();

  Feed(2, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  auto approved = import(Report("2023-02", 100, 100));
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->errors_size(), 0) << approved->DebugString();
  EXPECT_EQ(approved->rows_imported(), 1);

  Feed(3, 1, reg::RUKU_STATE_APPROVED, "2023-01-10", [](reg::Project* p) { p->set_unit_id("331181100"); });
  auto moved = import(Report("2023-03", 60, 160));
  ASSERT_TRUE(moved.ok()) << moved.status();
  ASSERT_EQ(moved->errors_size(), 1) << moved->DebugString();
  EXPECT_EQ(moved->errors(0).localized_rule(), "不是本单位的项目");
  EXPECT_EQ(Versions("2023-03"), 0);

  // The feed's position moved back and the table emptied (a restore): nothing is taken from what was kept.
  {
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec("TRUNCATE stats.project_dims");
    txn.exec("UPDATE stats.feed_position SET revision = 0");
    txn.commit();
  }
  auto restored = import(Report("2023-03", 60, 160));
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_EQ(restored->errors_size(), 1) << restored->DebugString();
  EXPECT_NE(restored->errors(0).localized_rule().find("尚未入库"), std::string::npos) << restored->DebugString();
}

// 自开始建设累计 = 上年末 + 年初累计 holds when last December's row comes in the same file, even after the row it
// checks.
TEST_F(StatsTest, ImportChecksSinceStartAgainstDecemberInTheSameFile) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2022-01-10");
  std::vector<pb::MonthlyReport> rows = {Report("2023-02", 150, 150)};  // 自开始建设累计 150 + 100万: not 上年末 + 150
  // 100 in 02, then 100 + m (a repeated amount would need a 说明): 2022-12 ends at 1175.
  for (int m = 2; m <= 12; ++m) {
    rows.push_back(
        Report(absl::StrFormat("2022-%02d", m), m == 2 ? 100 : 100 + m, 100 * (m - 1) + m * (m + 1) / 2 - 3));
  }
  auto from = [](const std::vector<pb::MonthlyReport>& rows) {
    return [rows, i = size_t{0}](pb::MonthlyReport* row) mutable {
      if (i >= rows.size()) return false;
      *row = rows[i++];
      return true;
    };
  };
  auto refused = stats_->ImportMonthlyReports(kUnitStaff, from(rows), false, Deadline());
  ASSERT_TRUE(refused.ok()) << refused.status();
  ASSERT_EQ(refused->errors_size(), 1) << refused->DebugString();
  EXPECT_EQ(refused->errors(0).row(), 1);
  EXPECT_EQ(refused->errors(0).field(), "report.since_start_yuan");
  EXPECT_EQ(refused->rows_imported(), 0);
  // A row refused on its own is still checked against the December that comes after it: both are said, in order.
  auto broken = rows;
  broken[0].mutable_ytd_breakdown()->set_other_yuan(broken[0].ytd_breakdown().other_yuan() + 1);
  auto twice = stats_->ImportMonthlyReports(kUnitStaff, from(broken), false, Deadline());
  ASSERT_TRUE(twice.ok()) << twice.status();
  ASSERT_EQ(twice->errors_size(), 2) << twice->DebugString();
  EXPECT_EQ(twice->errors(0).row(), 1);
  EXPECT_EQ(twice->errors(0).field(), "report.ytd_yuan");  // 年初累计 ≠ 建筑 + 安装 + 设备 + 其他
  EXPECT_EQ(twice->errors(1).row(), 1);
  EXPECT_EQ(twice->errors(1).field(), "report.since_start_yuan");
  // 上年末 (2022-12) 1175 + 100万, plus 150 this year.
  rows[0].set_since_start_yuan(1175 + 1'000'000 + 150);
  // A refused December refuses the row that depends on it, naming why.
  rows[11].set_ytd_yuan(5);  // 2022-12 no longer follows 2022-11
  auto chained = stats_->ImportMonthlyReports(kUnitStaff, from(rows), false, Deadline());
  ASSERT_TRUE(chained.ok()) << chained.status();
  ASSERT_EQ(chained->errors_size(), 3) << chained->DebugString();  // row 12 breaks the chain and its breakdown
  EXPECT_EQ(chained->errors(0).row(), 1);
  EXPECT_EQ(chained->errors(0).field(), "report.since_start_yuan");
  EXPECT_EQ(chained->errors(1).row(), 12);
  EXPECT_EQ(chained->errors(2).row(), 12);
  rows[11].set_ytd_yuan(1175);
  auto accepted = stats_->ImportMonthlyReports(kUnitStaff, from(rows), false, Deadline());
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->errors_size(), 0) << accepted->DebugString();
  EXPECT_EQ(accepted->rows_imported(), 12);
}

// An import is audited by one entry holding the Merkle root over its rows (issue 21): no entry per row, every row
// provable on its own by its audit path, and a row changed behind the service breaks `audit verify` and its proof.
TEST_F(StatsTest, AnImportIsOneAuditEntryWhoseRootProvesEachRow) {
  {
    // This test reads the whole stats chain: it starts one (what the other tests' imports left has no rows now).
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec("SET LOCAL session_replication_role = replica");
    txn.exec("DELETE FROM audit.entries WHERE service = 'stats'");
    txn.commit();
  }
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  Feed(2, 2, reg::RUKU_STATE_APPROVED, "2023-01-10");
  std::vector<pb::MonthlyReport> rows;
  for (int64_t project : {1, 2}) {
    for (int m = 2; m <= 6; ++m) {
      rows.push_back(Report(absl::StrFormat("2023-%02d", m), m == 2 ? 100 : 10 * m, 100 + 10 * (m * (m + 1) / 2 - 3)));
      rows.back().set_project_id(project);
    }
  }
  rows[3].set_explanation("第二行\t制表符与\\反斜杠\n换行");  // escaped in the COPY line and its leaf alike
  size_t i = 0;
  auto next = [&](pb::MonthlyReport* row) {
    if (i >= rows.size()) return false;
    *row = rows[i++];
    return true;
  };
  auto imported = stats_->ImportMonthlyReports(kUnitStaff, next, false, Deadline());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->rows_imported(), 10) << imported->DebugString();
  // A figure written on its own keeps its own entry.
  pb::MonthlyReport single = Report("2023-07", 70, 100 + 10 * (7 * 8 / 2 - 3));
  ASSERT_TRUE(Submit(kUnitStaff, single).ok());

  pqxx::connection admin(PgHarness::Shared().Url("postgres"));
  auto count = [&](const std::string& where) {
    pqxx::work txn(admin);
    return txn.exec1("SELECT count(*) FROM audit.entries WHERE service = 'stats' AND " + where)[0].as<int64_t>();
  };
  EXPECT_EQ(count("table_name = 'imports'"), 1);
  EXPECT_EQ(count("table_name = 'monthly_reports'"), 1);  // the single figure only

  AuditLog log(*pool_, "stats", VerifyImportRoots);
  auto verified = log.VerifyAudit(kBureau, {}, Deadline());
  ASSERT_TRUE(verified.ok()) << verified.status();
  ASSERT_EQ(verified->chains_size(), 1);
  EXPECT_TRUE(verified->chains(0).intact()) << verified->DebugString();
  EXPECT_EQ(verified->chains(0).imports(), 1);
  EXPECT_EQ(verified->chains(0).imported_rows(), 10);

  // Every imported row is proved by its path; the single one by its own entry.
  for (const auto& row : rows) {
    pb::ProveMonthlyReportRequest q;
    q.set_project_id(row.project_id());
    q.set_period(row.period());
    q.set_version(1);
    auto proof = stats_->ProveMonthlyReport(kBureau, q, Deadline());
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_TRUE(proof->proved()) << proof->DebugString();
    EXPECT_GT(proof->import_id(), 0);
    EXPECT_EQ(proof->leaf_count(), 10);
    EXPECT_EQ(proof->imported_by(), "staff-1");
    EXPECT_EQ(proof->report().ytd_yuan(), row.ytd_yuan());
    // One hash per level above the leaf: 10 leaves are a tree of 8 and one of 2, so 4 or 2 hashes.
    EXPECT_EQ(proof->audit_path_size(), proof->leaf_index() < 8 ? 4 : 2);
    EXPECT_LE(proof->audit_path_size(), 4);
    // Checked here too, by the reference algorithm, from the leaf text the service gives.
    merkle::Hash root, leaf_hash, expected;
    std::vector<merkle::Hash> path;
    for (const auto& h : proof->audit_path()) {
      ASSERT_TRUE(merkle::FromHex(h, &path.emplace_back()));
    }
    ASSERT_TRUE(merkle::FromHex(proof->merkle_root(), &expected));
    leaf_hash = merkle::LeafHash(proof->leaf());
    EXPECT_EQ(merkle::Hex(leaf_hash), proof->leaf_hash());
    ASSERT_TRUE(merkle::RootFromPath(leaf_hash, proof->leaf_index(), proof->leaf_count(), path, &root));
    EXPECT_EQ(root, expected);
  }
  pb::ProveMonthlyReportRequest q;
  q.set_project_id(1);
  q.set_period("2023-07");
  q.set_version(1);
  auto own = stats_->ProveMonthlyReport(kBureau, q, Deadline());
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_TRUE(own->proved());
  EXPECT_EQ(own->import_id(), 0);
  EXPECT_GT(own->audit_seq(), 0);
  // Only those who read the audit log; bad arguments name the field.
  EXPECT_EQ(stats_->ProveMonthlyReport(kUnitStaff, q, Deadline()).status().code(), absl::StatusCode::kPermissionDenied);
  q.set_version(0);
  EXPECT_EQ(stats_->ProveMonthlyReport(kBureau, q, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
  q.set_version(9);
  EXPECT_EQ(stats_->ProveMonthlyReport(kBureau, q, Deadline()).status().code(), absl::StatusCode::kNotFound);

  // A figure changed behind the service (triggers off, as only a superuser can) breaks the import's root.
  {
    pqxx::work txn(admin);
    txn.exec("SET LOCAL session_replication_role = replica");
    txn.exec(
        "UPDATE stats.monthly_reports SET month_yuan = month_yuan + 1 WHERE project_id = 2 AND period = '2023-04'");
    txn.commit();
  }
  auto broken = log.VerifyAudit(kBureau, {}, Deadline());
  ASSERT_TRUE(broken.ok()) << broken.status();
  EXPECT_FALSE(broken->chains(0).intact());
  EXPECT_NE(broken->chains(0).problem().find("Merkle root"), std::string::npos) << broken->DebugString();
  q.set_project_id(2);
  q.set_period("2023-04");
  q.set_version(1);
  auto tampered = stats_->ProveMonthlyReport(kBureau, q, Deadline());
  ASSERT_TRUE(tampered.ok());
  EXPECT_FALSE(tampered->proved());
  q.set_period("2023-05");  // its neighbours' own leaves are intact, but the root they lead to is not the entry's
  EXPECT_FALSE(stats_->ProveMonthlyReport(kBureau, q, Deadline())->proved());

  // A row slipped in with the import's id, or one removed, breaks it as well.
  {
    pqxx::work txn(admin);
    txn.exec("SET LOCAL session_replication_role = replica");
    txn.exec(
        "UPDATE stats.monthly_reports SET month_yuan = month_yuan - 1 WHERE project_id = 2 AND period = '2023-04'");
    txn.commit();
  }
  EXPECT_TRUE(log.VerifyAudit(kBureau, {}, Deadline())->chains(0).intact());
  {
    pqxx::work txn(admin);
    txn.exec("SET LOCAL session_replication_role = replica");
    txn.exec("DELETE FROM stats.monthly_reports WHERE project_id = 1 AND period = '2023-06'");
    txn.commit();
  }
  EXPECT_FALSE(log.VerifyAudit(kBureau, {}, Deadline())->chains(0).intact());
}

// DOMAIN §8: only the investment is limited to projects 入库 by the period's end. Plans, statuses and new starts
// are every project's: a key project planned for October and not started is 滞后 (it cannot be 入库), its plan
// counts in the completion of its tier, its unit and the city; a 重大 project started but not yet 入库 is a new
// start; a 单纯购置 project starts with its delivery (its 入库) and is not overdue for lack of a start date.
TEST_F(StatsTest, PlansStatusesAndStartsCountForProjectsNotYetInTheDatabase) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2023-01-10");
  Feed(2, 2, reg::RUKU_STATE_UNSPECIFIED, "", [](reg::Project* p) {
    p->set_stage(reg::PROJECT_STAGE_PREPARATION);
    p->set_planned_start_date("2022-10-01");
    p->clear_actual_start_date();
  });
  Feed(3, 3, reg::RUKU_STATE_APPROVED, "2023-01-20", [](reg::Project* p) {
    p->set_construction_nature(reg::CONSTRUCTION_NATURE_PURCHASE_ONLY);
    p->set_planned_start_date("2022-06-01");
    p->clear_actual_start_date();
    p->add_tiers(reg::PROJECT_TIER_MAJOR);
  });
  Feed(4, 4, reg::RUKU_STATE_SUBMITTED, "", [](reg::Project* p) {
    p->set_actual_start_date("2023-02-01");
    p->clear_tiers();
    p->add_tiers(reg::PROJECT_TIER_MAJOR);
  });
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 150, 150)).ok());
  pb::MonthlyReport delivered = Report("2023-02", 200, 200);
  delivered.set_project_id(3);
  ASSERT_TRUE(Submit(kUnitStaff, delivered).ok());
  for (auto [project, yuan] : std::vector<std::pair<int64_t, int64_t>>{{1, 1000}, {2, 3000}, {3, 500}, {4, 1000}}) {
    pb::SetAnnualPlanRequest plan;
    plan.mutable_plan()->set_project_id(project);
    plan.mutable_plan()->set_year(2023);
    plan.mutable_plan()->set_planned_yuan(yuan);
    ASSERT_TRUE(stats_->SetAnnualPlan(kBureau, plan, Deadline()).ok());
  }
  pb::GetCityReportRequest request;
  request.set_period("2023-02");
  request.set_rank_min_annual_plan_yuan(1);
  auto city = stats_->GetCityReport(kLeader, request, Deadline());
  ASSERT_TRUE(city.ok()) << city.status();
  const pb::CityReport& report = city->report();
  EXPECT_EQ(report.indicators().total().ytd_yuan(), 350);  // 150 + 200: the 入库 ones only
  EXPECT_EQ(report.indicators().project_count(), 2);
  // The key projects: 1, 2 and 3, with every plan in the denominator.
  ASSERT_EQ(report.key_projects().statuses_size(), 3);
  const pb::ProjectStatus& overdue = report.key_projects().statuses(1);
  EXPECT_EQ(overdue.project_id(), 2);
  EXPECT_EQ(overdue.status(), pb::PROGRESS_STATUS_LAGGING);
  EXPECT_NE(overdue.reason().find("未开工"), std::string::npos) << overdue.reason();
  const pb::ProjectStatus& purchase = report.key_projects().statuses(2);
  EXPECT_EQ(purchase.project_id(), 3);
  EXPECT_EQ(purchase.status(), pb::PROGRESS_STATUS_AHEAD);  // 200/500 against 2/12
  pb::GetIndicatorsRequest key;
  key.set_period("2023-02");
  key.mutable_scope()->set_name("tier:PROJECT_TIER_KEY");
  auto key_indicators = stats_->GetIndicators(kLeader, key, Deadline());
  ASSERT_TRUE(key_indicators.ok()) << key_indicators.status();
  EXPECT_EQ(key_indicators->completion_rate().numerator(), 350);
  EXPECT_EQ(key_indicators->completion_rate().denominator(), 4500);
  ASSERT_EQ(report.lowest_units().units_size(), 1);
  EXPECT_EQ(report.lowest_units().units(0).annual_plan_yuan(), 5500);
  EXPECT_EQ(report.lowest_units().units(0).ytd_yuan(), 350);
  EXPECT_EQ(report.indicators().completion_rate().denominator(), 5500);
  // New 重大 starts: the purchase delivered in January and the project started in February without 入库 (0 of its
  // 1000 against 2/12: 预警, behind).
  EXPECT_EQ(report.new_major_starts(), 2);
  EXPECT_EQ(report.new_major_starts_behind(), 1);
}

TEST_F(StatsTest, IndicatorsCountOnlyProjectsInTheDatabase) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2022-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2022-02", 100, 100)).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 150, 150)).ok());
  pb::SetAnnualPlanRequest plan;
  plan.mutable_plan()->set_project_id(1);
  plan.mutable_plan()->set_year(2023);
  plan.mutable_plan()->set_planned_yuan(1000);
  EXPECT_EQ(stats_->SetAnnualPlan(kUnitStaff, plan, Deadline()).status().code(), absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(stats_->SetAnnualPlan(kBureau, plan, Deadline()).ok());
  pb::GetIndicatorsRequest request;
  request.set_period("2023-02");
  auto out = stats_->GetIndicators(kLeader, request, Deadline());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_TRUE(out->provisional());
  EXPECT_EQ(out->total().ytd_yuan(), 150);
  EXPECT_EQ(out->total().ytd_last_year_yuan(), 100);
  EXPECT_EQ(out->completion_rate().numerator(), 150);
  EXPECT_EQ(out->completion_rate().denominator(), 1000);
  request.mutable_scope()->set_name("unit:331181100");
  EXPECT_EQ(stats_->GetIndicators(kLeader, request, Deadline())->total().ytd_yuan(), 0);
  request.mutable_scope()->set_name("galaxy");
  EXPECT_EQ(stats_->GetIndicators(kLeader, request, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

// Regional reports (issue 21): a locked period's sums per county-level division, placed by the division code in
// the national project code, add up to the city's indicators; a correction after the lock is reflected.
// The package is frozen as its rows stream past: the hash stored is the whole message's (read back and hashed
// here), a county's package holds its projects and its own indicators from the same freeze, the versions stay
// as frozen, a retried correction freezes nothing new, and a version frozen with its rows in the snapshot (before
// rows were stored apart) is still read by county.
TEST_F(StatsTest, APackageIsFrozenRowByRowAndReadByCounty) {
  const std::vector<std::pair<int64_t, std::string>> projects = {
      {1, "2022-331181-04-01-000001"}, {2, "2022-331102-04-01-000002"}, {3, "2022-331181-04-01-000003"}};
  for (const auto& [id, code] : projects) {
    Feed(id, id, reg::RUKU_STATE_APPROVED, "2022-01-10", [code = code](reg::Project* p) { p->set_project_code(code); });
    pb::MonthlyReport last = Report("2022-02", 100 * id, 100 * id), now = Report("2023-02", 150 * id, 150 * id);
    last.set_project_id(id);
    now.set_project_id(id);
    ASSERT_TRUE(Submit(kUnitStaff, last).ok());
    ASSERT_TRUE(Submit(kUnitStaff, now).ok());
  }
  // Not 入库: counted in no row and no sum.
  Feed(4, 4, reg::RUKU_STATE_STATS_REVIEW, "",
       [](reg::Project* p) { p->set_project_code("2022-331181-04-01-000004"); });
  pb::LockPeriodRequest lock;
  lock.set_period("2023-02");
  auto locked = stats_->LockPeriod(kBureau, lock, Deadline());
  ASSERT_TRUE(locked.ok()) << locked.status();
  {
    // The period's regional sums are the freeze's, made in the same pass: two divisions, identical rows.
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    const char* columns =
        "division, projects, reported, ytd, last_ytd, plan, ytd_with_plan, category_ytd, category_last";
    EXPECT_EQ(txn.exec1(absl::StrCat("SELECT count(*) FROM (SELECT ", columns,
                                     " FROM stats.division_rollups WHERE period = '2023-02' INTERSECT SELECT ", columns,
                                     " FROM stats.package_divisions WHERE period = '2023-02' AND version = 1) s"))[0]
                  .as<int>(),
              2);
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM stats.division_rollups WHERE period = '2023-02'")[0].as<int>(), 2);
  }

  pb::GetProvincialPackageRequest q;
  q.set_period("2023-02");
  auto whole = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->version(), 1);
  EXPECT_EQ(whole->snapshot_sha256(), locked->package_sha256());
  ASSERT_EQ(whole->rows_size(), 3);
  EXPECT_EQ(whole->rows(0).project_code(), "2022-331102-04-01-000002");
  EXPECT_EQ(whole->rows(1).project_code(), "2022-331181-04-01-000001");
  EXPECT_EQ(whole->rows(2).unit_name(), "龙渊街道");
  EXPECT_EQ(whole->rows(2).figure().ytd_yuan(), 450);
  pb::GetProvincialPackageResponse content;
  content.set_period(whole->period());
  *content.mutable_rows() = whole->rows();
  *content.mutable_city() = whole->city();
  *content.mutable_snapshot_time() = whole->snapshot_time();
  EXPECT_EQ(Sha256Hex(DeterministicBytes(content)), whole->snapshot_sha256());
  pb::GetIndicatorsRequest all;
  all.set_period("2023-02");
  auto city = stats_->GetIndicators(kLeader, all, Deadline());
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(whole->city().total().ytd_yuan(), city->total().ytd_yuan());
  EXPECT_EQ(whole->city().total().ytd_last_year_yuan(), city->total().ytd_last_year_yuan());
  EXPECT_EQ(whole->city().project_count(), 3);
  EXPECT_FALSE(whole->city().provisional());

  q.set_region("331181");
  auto county = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(county.ok()) << county.status();
  ASSERT_EQ(county->rows_size(), 2);
  EXPECT_EQ(county->rows(0).project_id(), 1);
  EXPECT_EQ(county->rows(1).project_id(), 3);
  EXPECT_EQ(county->snapshot_sha256(), whole->snapshot_sha256());
  EXPECT_EQ(county->region_name(), "龙泉市");
  EXPECT_EQ(county->region_total().total().ytd_yuan(), 150 + 450);
  EXPECT_EQ(county->region_total().total().ytd_last_year_yuan(), 100 + 300);
  EXPECT_EQ(county->region_total().project_count(), 2);
  pb::GetRegionReportRequest region;
  region.set_period("2023-02");
  region.set_region("331181");
  auto report = stats_->GetRegionReport(kLeader, region, Deadline());
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->total().total().ytd_yuan(), county->region_total().total().ytd_yuan());
  q.set_region("110101");  // no project there
  auto empty = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->rows_size(), 0);
  EXPECT_EQ(empty->region_total().total().ytd_yuan(), 0);
  // Above the rows of one response, the whole package is refused and a county's still read.
  Stats small(*store_, units_, CodeTables::Default(), StatusThresholds{}, {}, 15'000, /*max_package_rows=*/2);
  q.set_region("");
  auto too_large = small.GetProvincialPackage(kLeader, q, Deadline());
  EXPECT_EQ(too_large.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(too_large.status().message()).find("3 rows"), std::string::npos) << too_large.status();
  q.set_region("331181");
  EXPECT_TRUE(small.GetProvincialPackage(kLeader, q, Deadline()).ok());
  // Streamed: the head without rows, then the rows in messages (of two here); merged, the same package with the
  // same hash, whole above the rows of one response too, or a county's.
  std::vector<pb::GetProvincialPackageResponse> messages;
  const auto collect = [&messages](const pb::GetProvincialPackageResponse& m) {
    messages.push_back(m);
    return true;
  };
  auto merged = [&messages] {
    pb::GetProvincialPackageResponse all;
    for (const auto& m : messages) all.MergeFrom(m);
    messages.clear();
    return DeterministicBytes(all);
  };
  q.set_region("");
  ASSERT_TRUE(small.StreamProvincialPackage(kLeader, q, collect, Deadline(), 2).ok());
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].rows_size(), 0);
  EXPECT_EQ(messages[0].snapshot_sha256(), whole->snapshot_sha256());
  EXPECT_EQ(messages[1].rows_size(), 2);
  EXPECT_EQ(messages[2].rows_size(), 1);
  EXPECT_EQ(merged(), DeterministicBytes(*whole));
  q.set_region("331181");
  ASSERT_TRUE(stats_->StreamProvincialPackage(kLeader, q, collect, Deadline()).ok());
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].region_total().total().ytd_yuan(), 150 + 450);
  EXPECT_EQ(merged(), DeterministicBytes(*county));
  // A client that stops reading ends the stream; a bad request is refused before anything is sent.
  const absl::Status stopped = stats_->StreamProvincialPackage(
      kLeader, q,
      [&messages](const pb::GetProvincialPackageResponse& m) {
        messages.push_back(m);
        return false;
      },
      Deadline(), 1);
  EXPECT_EQ(stopped.code(), absl::StatusCode::kCancelled) << stopped;
  EXPECT_EQ(messages.size(), 1u);
  messages.clear();
  q.set_region("3311");
  const absl::Status bad_region = stats_->StreamProvincialPackage(kLeader, q, collect, Deadline());
  EXPECT_EQ(bad_region.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_FALSE(FieldViolationsOf(bad_region).empty());
  EXPECT_EQ(FieldViolationsOf(bad_region)[0].field, "region");
  EXPECT_TRUE(messages.empty());
  q.set_region("331181");
  for (const char* bad : {"3311", "33118x", "3311810"}) {
    q.set_region(bad);
    auto refused = stats_->GetProvincialPackage(kLeader, q, Deadline());
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    ASSERT_FALSE(FieldViolationsOf(refused.status()).empty()) << bad;
    EXPECT_EQ(FieldViolationsOf(refused.status())[0].field, "region");
  }

  // A correction freezes version 2; version 1 stays as frozen; the correction retried freezes nothing.
  pb::CorrectMonthlyReportRequest correct;
  *correct.mutable_report() = Report("2023-02", 170, 170);
  correct.mutable_report()->set_reason("补录");
  correct.set_reason("补录");
  correct.set_request_id("correct-package-1");
  ASSERT_TRUE(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).ok());
  ASSERT_TRUE(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).ok());
  q.set_region("331181");
  q.set_version(0);
  auto corrected = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(corrected.ok()) << corrected.status();
  EXPECT_EQ(corrected->version(), 2);
  EXPECT_EQ(corrected->region_total().total().ytd_yuan(), 170 + 450);
  EXPECT_EQ(corrected->rows(0).figure().ytd_yuan(), 170);
  q.set_version(1);
  auto first = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->rows(0).figure().ytd_yuan(), 150);
  EXPECT_EQ(first->region_total().total().ytd_yuan(), 150 + 450);
  EXPECT_EQ(first->snapshot_sha256(), locked->package_sha256());

  // Version 3 as a freeze before rows were stored apart would have left it: its rows in the snapshot.
  q.set_region("");
  q.set_version(2);
  auto second = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(second.ok());
  pb::GetProvincialPackageResponse old = content;
  *old.mutable_rows() = second->rows();
  *old.mutable_city() = second->city();
  {
    const std::string bytes = DeterministicBytes(old);
    pqxx::connection admin(PgHarness::Shared().Url("postgres"));
    pqxx::work txn(admin);
    txn.exec_params(
        "INSERT INTO stats.package_versions (period, version, actor, reason, snapshot, sha256) VALUES ('2023-02', "
        "3, 'tjj-1', '旧版', $1, $2)",
        pqxx::binarystring(bytes.data(), bytes.size()), Sha256Hex(bytes));
    txn.commit();
  }
  q.set_version(3);
  q.set_region("331181");
  auto legacy = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(legacy.ok()) << legacy.status();
  ASSERT_EQ(legacy->rows_size(), 2);
  EXPECT_EQ(legacy->rows(0).figure().ytd_yuan(), 170);
  EXPECT_EQ(legacy->region_total().total().ytd_yuan(), 170 + 450);
  // Its rows streamed after the head like those kept apart.
  ASSERT_TRUE(stats_->StreamProvincialPackage(kLeader, q, collect, Deadline(), 1).ok());
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].rows_size(), 0);
  EXPECT_EQ(merged(), DeterministicBytes(*legacy));
  // The same content as version 2 (its rows in the snapshot): retrying the correction again freezes nothing.
  ASSERT_TRUE(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).ok());
  q.set_version(0);
  q.set_region("");
  auto newest = stats_->GetProvincialPackage(kLeader, q, Deadline());
  ASSERT_TRUE(newest.ok());
  EXPECT_EQ(newest->version(), 3);
}

TEST_F(StatsTest, RegionReportsAddUpTheDivisionsOfALockedPeriod) {
  const std::vector<std::pair<int64_t, std::string>> projects = {
      {1, "2022-331181-04-01-000001"}, {2, "2022-331102-04-01-000002"}, {3, "2022-110101-04-01-000003"}};
  for (const auto& [id, code] : projects) {
    Feed(id, id, reg::RUKU_STATE_APPROVED, "2022-01-10", [&, code = code](reg::Project* p) {
      p->set_project_code(code);
      if (p->project_id() == 3) p->set_manufacturing(false);
    });
    pb::MonthlyReport last = Report("2022-02", 100 * id, 100 * id), now = Report("2023-02", 150 * id, 150 * id);
    last.set_project_id(id);
    now.set_project_id(id);
    ASSERT_TRUE(Submit(kUnitStaff, last).ok());
    ASSERT_TRUE(Submit(kUnitStaff, now).ok());
  }
  pb::GetRegionReportRequest q;
  q.set_period("2023-02");
  EXPECT_EQ(stats_->GetRegionReport(kLeader, q, Deadline()).status().code(), absl::StatusCode::kFailedPrecondition);
  pb::LockPeriodRequest lock;
  lock.set_period("2023-02");
  ASSERT_TRUE(stats_->LockPeriod(kBureau, lock, Deadline()).ok());

  auto country = stats_->GetRegionReport(kLeader, q, Deadline());
  ASSERT_TRUE(country.ok()) << country.status();
  pb::GetIndicatorsRequest all;
  all.set_period("2023-02");
  auto city = stats_->GetIndicators(kLeader, all, Deadline());
  ASSERT_TRUE(city.ok());
  EXPECT_EQ(country->total().total().ytd_yuan(), 150 + 300 + 450);
  EXPECT_EQ(country->total().total().ytd_yuan(), city->total().ytd_yuan());
  EXPECT_EQ(country->total().total().ytd_last_year_yuan(), city->total().ytd_last_year_yuan());
  EXPECT_EQ(country->total().project_count(), 3);
  ASSERT_EQ(country->total().categories_size(), city->categories_size());
  for (int c = 0; c < city->categories_size(); ++c) {
    EXPECT_EQ(country->total().categories(c).ytd_yuan(), city->categories(c).ytd_yuan()) << c;
    EXPECT_EQ(country->total().categories(c).ytd_last_year_yuan(), city->categories(c).ytd_last_year_yuan()) << c;
  }
  ASSERT_EQ(country->parts_size(), 2);
  EXPECT_EQ(country->parts(0).region(), "11");
  EXPECT_EQ(country->parts(0).indicators().total().ytd_yuan(), 450);
  EXPECT_EQ(country->parts(1).region(), "33");
  EXPECT_EQ(country->parts(1).indicators().total().ytd_yuan(), 450);
  EXPECT_EQ(country->parts(1).indicators().total().ytd_last_year_yuan(), 300);

  q.set_region("33");
  auto province = stats_->GetRegionReport(kLeader, q, Deadline());
  ASSERT_TRUE(province.ok()) << province.status();
  ASSERT_EQ(province->parts_size(), 2);
  EXPECT_EQ(province->parts(0).region(), "331102");
  EXPECT_EQ(province->parts(0).indicators().total().ytd_yuan(), 300);
  EXPECT_EQ(province->parts(1).region(), "331181");
  EXPECT_EQ(province->parts(1).indicators().total().ytd_yuan(), 150);
  EXPECT_EQ(province->region_name(), "浙江省");
  EXPECT_EQ(province->parts(1).name(), "龙泉市");
  EXPECT_EQ(country->region_name(), "全国");
  EXPECT_EQ(country->parts(0).name(), "北京市");

  // A correction after the lock drops the sums; the next report makes them again with it.
  pb::CorrectMonthlyReportRequest correct;
  *correct.mutable_report() = Report("2023-02", 170, 170);
  correct.mutable_report()->set_reason("补录");
  correct.set_reason("补录");
  ASSERT_TRUE(stats_->CorrectMonthlyReport(kBureau, correct, Deadline()).ok());
  q.set_region("331181");
  auto county = stats_->GetRegionReport(kLeader, q, Deadline());
  ASSERT_TRUE(county.ok()) << county.status();
  EXPECT_EQ(county->total().total().ytd_yuan(), 170);
  EXPECT_EQ(county->parts_size(), 0);
  // So does an import into last year's same period (the year-on-year base), though that period is not locked.
  pb::MonthlyReport base = Report("2022-02", 120, 120);
  bool sent = false;
  auto imported = stats_->ImportMonthlyReports(
      kUnitStaff,
      [&](pb::MonthlyReport* row) {
        if (sent) return false;
        *row = base;
        return sent = true;
      },
      false, Deadline());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->rows_imported(), 1) << imported->DebugString();
  q.set_region("");
  auto rebased = stats_->GetRegionReport(kLeader, q, Deadline());
  ASSERT_TRUE(rebased.ok()) << rebased.status();
  EXPECT_EQ(rebased->total().total().ytd_last_year_yuan(), 120 + 200 + 300);
  q.set_region("3");
  EXPECT_EQ(stats_->GetRegionReport(kLeader, q, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
  q.set_region("33ab");
  EXPECT_EQ(stats_->GetRegionReport(kLeader, q, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

// 核实性审核: a flagged figure is accepted only with a 说明; the bureau sees it in the list of the period (a unit
// only its own) and dismisses it with a reason.
TEST_F(StatsTest, FlaggedFigureNeedsAnExplanationAndTheBureauDismissesIt) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2022-01-10");
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-02", 100, 100)).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-03", 50, 150)).ok());
  ASSERT_TRUE(Submit(kUnitStaff, Report("2023-04", 50, 200)).ok());
  pb::MonthlyReport may = Report("2023-05", 50, 250);  // 50 three periods running
  auto refused = Submit(kUnitStaff, may);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  auto violations = FieldViolationsOf(refused.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "report.explanation");
  EXPECT_NE(violations[0].localized.find("HS04"), std::string::npos) << violations[0].localized;
  EXPECT_NE(violations[0].localized.find("2023-03、2023-04、2023-05"), std::string::npos) << violations[0].localized;
  EXPECT_EQ(Versions("2023-05"), 0);

  may.set_explanation("按合同每月支付同额进度款");
  auto accepted = Submit(kUnitStaff, may);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  ASSERT_EQ(accepted->flags_size(), 1);
  EXPECT_EQ(accepted->flags(0).rule(), pb::VERIFICATION_RULE_REPEATED_AMOUNT);
  EXPECT_EQ(accepted->explanation(), "按合同每月支付同额进度款");
  // The bureau reads the flag and the 说明 with the versions it verifies.
  pb::ListMonthlyReportVersionsRequest versions;
  versions.set_project_id(1);
  versions.set_period("2023-05");
  auto listed = stats_->ListMonthlyReportVersions(kBureau, versions, Deadline());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->versions_size(), 1);
  ASSERT_EQ(listed->versions(0).flags_size(), 1);
  EXPECT_EQ(listed->versions(0).flags(0).rule_id(), "HS04");
  EXPECT_EQ(listed->versions(0).explanation(), "按合同每月支付同额进度款");

  auto list = [&](const Caller& who, bool open_only = false) {
    pb::ListVerificationFlagsRequest q;
    q.set_period("2023-05");
    q.set_open_only(open_only);
    auto r = stats_->ListVerificationFlags(who, q, Deadline());
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : pb::ListVerificationFlagsResponse{};
  };
  auto bureau = list(kBureau);
  ASSERT_EQ(bureau.flags_size(), 1);
  EXPECT_EQ(bureau.flags(0).rule_id(), "HS04");
  EXPECT_EQ(bureau.flags(0).explanation(), "按合同每月支付同额进度款");
  EXPECT_EQ(bureau.flags(0).unit_id(), "331181001");
  EXPECT_EQ(bureau.flags(0).project_name(), "测试项目");
  EXPECT_EQ(bureau.flags(0).version(), 1);
  EXPECT_EQ(list(kUnitStaff).flags_size(), 1);
  EXPECT_EQ(list(kOtherStaff).flags_size(), 0);  // another unit's flags are not shown

  pb::DismissVerificationFlagRequest dismiss;
  dismiss.set_period("2023-05");
  dismiss.set_rule(pb::VERIFICATION_RULE_REPEATED_AMOUNT);
  dismiss.set_project_id(1);
  auto no_reason = stats_->DismissVerificationFlag(kBureau, dismiss, Deadline());
  ASSERT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(no_reason.status())[0].field, "reason");
  dismiss.set_reason("已核对合同付款计划，属实");
  EXPECT_EQ(stats_->DismissVerificationFlag(kUnitStaff, dismiss, Deadline()).status().code(),
            absl::StatusCode::kPermissionDenied);
  pb::DismissVerificationFlagRequest other = dismiss;
  other.set_rule(pb::VERIFICATION_RULE_MONTH_OUTLIER);
  EXPECT_EQ(stats_->DismissVerificationFlag(kBureau, other, Deadline()).status().code(), absl::StatusCode::kNotFound);
  auto dismissed = stats_->DismissVerificationFlag(kBureau, dismiss, Deadline());
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_TRUE(dismissed->flag().dismissed());
  EXPECT_EQ(dismissed->flag().dismissed_by(), "tjj-1");
  EXPECT_EQ(dismissed->flag().dismiss_reason(), "已核对合同付款计划，属实");
  EXPECT_EQ(list(kBureau, /*open_only=*/true).flags_size(), 0);
  EXPECT_TRUE(list(kBureau).flags(0).dismissed());
  // Dismissing again keeps the first dismissal.
  dismiss.set_reason("另一个理由");
  EXPECT_EQ(stats_->DismissVerificationFlag(kBureau, dismiss, Deadline())->flag().dismiss_reason(),
            "已核对合同付款计划，属实");
}

// An import refuses a flagged row without its 说明 (naming the row, the field and the rule) and records the flag of
// one with it.
TEST_F(StatsTest, ImportedFlaggedRowsNeedTheirExplanation) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2022-01-10",
       [](reg::Project* p) { p->set_stage(reg::PROJECT_STAGE_PREPARATION); });
  std::vector<pb::MonthlyReport> rows = {Report("2023-02", 100, 100)};  // 前期, yet investment: HS03
  auto from = [&rows]() {
    return [&rows, i = size_t{0}](pb::MonthlyReport* row) mutable {
      if (i >= rows.size()) return false;
      *row = rows[i++];
      return true;
    };
  };
  auto refused = stats_->ImportMonthlyReports(kUnitStaff, from(), false, Deadline());
  ASSERT_TRUE(refused.ok()) << refused.status();
  ASSERT_EQ(refused->errors_size(), 1) << refused->DebugString();
  EXPECT_EQ(refused->errors(0).row(), 1);
  EXPECT_EQ(refused->errors(0).field(), "report.explanation");
  EXPECT_NE(refused->errors(0).localized_rule().find("HS03"), std::string::npos);
  EXPECT_EQ(Versions("2023-02"), 0);
  rows[0].set_explanation("已实际开工，项目阶段待主管部门更新");
  auto imported = stats_->ImportMonthlyReports(kUnitStaff, from(), false, Deadline());
  ASSERT_TRUE(imported.ok()) << imported.status();
  EXPECT_EQ(imported->rows_imported(), 1) << imported->DebugString();
  pb::ListVerificationFlagsRequest q;
  q.set_period("2023-02");
  auto flags = stats_->ListVerificationFlags(kBureau, q, Deadline());
  ASSERT_TRUE(flags.ok());
  ASSERT_EQ(flags->flags_size(), 1);
  EXPECT_EQ(flags->flags(0).rule(), pb::VERIFICATION_RULE_NOT_STARTED);
  EXPECT_EQ(flags->flags(0).explanation(), "已实际开工，项目阶段待主管部门更新");
}

// The forecast through the store: two past years with the same seasonal shape (40% of the year by May) and this
// year's January–May project the year exactly; the verdicts follow the growth target and the annual plan.
TEST_F(StatsTest, ForecastFromPastYearsShape) {
  Feed(1, 1, reg::RUKU_STATE_APPROVED, "2020-01-10");
  const std::array<int64_t, 13> permille = {0, 0, 100, 180, 280, 400, 510, 590, 680, 760, 850, 930, 1000};
  std::vector<pb::MonthlyReport> rows;
  int64_t since_start = 0;
  auto year = [&](int y, int64_t total, int last_month) {
    for (int m = 2; m <= last_month; ++m) {
      pb::MonthlyReport r = Report(absl::StrFormat("%d-%02d", y, m), total * (permille[m] - permille[m - 1]) / 1000,
                                   total * permille[m] / 1000);
      r.set_since_start_yuan(since_start + r.ytd_yuan());
      rows.push_back(r);
    }
    since_start += total * permille[last_month] / 1000;
  };
  year(2021, 1'000'000, 12);
  year(2022, 1'200'000, 12);
  year(2023, 1'500'000, 5);
  size_t i = 0;
  auto imported = stats_->ImportMonthlyReports(
      kUnitStaff,
      [&](pb::MonthlyReport* row) {
        if (i >= rows.size()) return false;
        *row = rows[i++];
        return true;
      },
      false, Deadline());
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_EQ(imported->errors_size(), 0) << imported->DebugString();
  pb::SetAnnualPlanRequest plan;
  plan.mutable_plan()->set_project_id(1);
  plan.mutable_plan()->set_year(2023);
  plan.mutable_plan()->set_planned_yuan(1'600'000);
  ASSERT_TRUE(stats_->SetAnnualPlan(kBureau, plan, Deadline()).ok());

  pb::GetForecastRequest q;
  q.set_period("2023-05");
  auto f = stats_->GetForecast(kLeader, q, Deadline());
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->growth_target_milli_percent(), 15'000);
  const pb::Forecast& city = f->city();
  EXPECT_EQ(city.ytd_yuan(), 600'000);
  EXPECT_EQ(city.forecast_yuan(), 1'500'000);
  EXPECT_EQ(city.last_year_yuan(), 1'200'000);
  EXPECT_EQ(city.target_yuan(), 1'380'000);  // +15%
  EXPECT_EQ(city.verdict(), pb::FORECAST_VERDICT_LIKELY);
  EXPECT_EQ(city.share_permille(), 400);
  EXPECT_EQ(city.history_years_size(), 2);
  EXPECT_TRUE(city.own_shape());
  EXPECT_NE(city.summary().find("+25.0%"), std::string::npos) << city.summary();
  ASSERT_EQ(f->units_size(), 1);
  EXPECT_EQ(f->units(0).name(), "龙渊街道");
  EXPECT_EQ(f->units(0).target_yuan(), 1'600'000);
  EXPECT_EQ(f->units(0).verdict(), pb::FORECAST_VERDICT_UNLIKELY);  // 150万 < the plan of 160万
  ASSERT_EQ(f->key_projects_size(), 1);
  EXPECT_EQ(f->key_projects(0).forecast_yuan(), 1'500'000);
  EXPECT_EQ(DisplayNameOf(f->key_projects(0).verdict()), "难以达成");
  // The manufacturing category holds the project (2720, manufacturing); 高新 does not.
  for (const auto& c : f->categories()) {
    if (c.scope() == "category:CATEGORY_MANUFACTURING") {
      EXPECT_EQ(c.forecast_yuan(), 1'500'000);
    }
    if (c.scope() == "category:CATEGORY_PRIMARY") {
      EXPECT_EQ(c.ytd_yuan(), 0);
    }
  }
  q.set_period("2023-13");
  EXPECT_EQ(stats_->GetForecast(kLeader, q, Deadline()).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace saima::stats
