#include "services/stats/stats.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <set>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/digest.h"
#include "common/format.h"
#include "common/money.h"
#include "common/names.h"
#include "common/ops.h"
#include "common/policy.h"
#include "common/progress.h"
#include "common/status.h"
#include "google/protobuf/util/time_util.h"
#include "services/stats/package_digest.h"

namespace saima::stats {
namespace {

constexpr int64_t kDefaultRankMinimumYuan = 50'000'000;  // 5000万元, as the speech ranks units

absl::StatusOr<Period> ParsePeriod(const std::string& text, const std::string& field) {
  Violations v;
  CheckPeriod(text, field, v);
  if (!v.ok()) return v.ToStatus();
  return *Period::Parse(text);
}

}  // namespace

absl::Status CheckRukuForPeriod(const std::optional<ProjectDims>& dims, int64_t project_id, const Period& period) {
  return CheckRukuForPeriod(dims ? &*dims : nullptr, project_id, period);
}

absl::Status CheckRukuForPeriod(const ProjectDims* dims, int64_t project_id, const Period& period) {
  if (!dims || dims->ruku_state != reg::RUKU_STATE_APPROVED) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("先入库,后有数: project ", project_id, " is not 入库, so no figures are accepted for it"),
                 absl::StrCat("先入库、后有数：项目 ", project_id, " 尚未入库，不能填报投资数据"));
  }
  if (dims->ruku_date > period.EndDate()) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("先入库,后有数: project ", project_id, " entered the database on ", dims->ruku_date,
                              ", after period ", period.ToString()),
                 absl::StrCat("先入库、后有数：项目 ", project_id, " 于 ", dims->ruku_date, " 入库，晚于 ",
                              period.ToString(), "，该月不能填报"));
  }
  return absl::OkStatus();
}

absl::StatusOr<pb::SetAnnualPlanResponse> Stats::SetAnnualPlan(const Caller& c, const pb::SetAnnualPlanRequest& q,
                                                               absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_SET_ANNUAL_PLAN); !s.ok()) return s;
  Violations v;
  const auto& plan = q.plan();
  if (plan.project_id() <= 0) v.Add("plan.project_id", "is required", "项目必填");
  if (plan.year() < 2000 || plan.year() > 2100)
    v.Add("plan.year", "must be between 2000 and 2100", "计划年度应在 2000 至 2100 之间");
  if (!IsValidAmount(plan.planned_yuan())) {
    v.Add("plan.planned_yuan", "must be between 0 and 10^14 元", "年度计划投资应在 0 至 100 万亿元之间");
  }
  if (plan.cumulative_monthly_plan_yuan_size() != 0 && plan.cumulative_monthly_plan_yuan_size() != 11) {
    v.Add("plan.cumulative_monthly_plan_yuan", "must hold 11 values (February to December) or none",
          "分月累计计划应有 11 个值(2 月至 12 月)，或不填");
  }
  for (int i = 1; i < plan.cumulative_monthly_plan_yuan_size(); ++i) {
    if (plan.cumulative_monthly_plan_yuan(i) < plan.cumulative_monthly_plan_yuan(i - 1)) {
      v.Add("plan.cumulative_monthly_plan_yuan", "must not decrease from month to month", "分月累计计划不能逐月减少");
      break;
    }
  }
  if (!v.ok()) return v.ToStatus();
  auto dims = store_.GetDims(plan.project_id(), d);
  if (!dims.ok()) return dims.status();
  if (!dims->has_value()) {
    return InvalidField("plan.project_id", absl::StrCat("project ", plan.project_id(), " is not known to stats"),
                        absl::StrCat("统计系统中没有项目 ", plan.project_id()));
  }
  auto stored = store_.SetPlan(plan, c.user_id, d);
  if (!stored.ok()) return stored.status();
  pb::SetAnnualPlanResponse r;
  *r.mutable_plan() = *stored;
  return r;
}

absl::StatusOr<pb::GetAnnualPlanResponse> Stats::GetAnnualPlan(const Caller& c, const pb::GetAnnualPlanRequest& q,
                                                               absl::Time d) {
  if (absl::Status s = MayReadProject(c, Action::ACTION_READ_FIGURES, q.project_id(), d); !s.ok()) return s;
  auto plan = store_.GetPlan(q.project_id(), q.year(), d);
  if (!plan.ok()) return plan.status();
  if (!plan->has_value()) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no annual plan for project ", q.project_id(), " in ", q.year()),
                 absl::StrCat("项目 ", q.project_id(), " 没有 ", q.year(), " 年度计划"));
  }
  pb::GetAnnualPlanResponse r;
  *r.mutable_plan() = **plan;
  return r;
}

absl::StatusOr<pb::MonthlyReport> Stats::Record(const Caller& caller, const pb::MonthlyReport& report,
                                                pb::FigureKind kind, const std::string& request_id,
                                                absl::Time deadline) {
  Violations v;
  CheckReport(report, ReportContext{}, "report", v);
  if (kind == pb::FIGURE_KIND_CORRECTED && report.reason().empty()) {
    v.Add("reason", "is required for a correction", "更正数据必须写明理由");
  }
  if (!v.ok()) return v.ToStatus();
  const Period period = *Period::Parse(report.period());
  const ReportCheck check =
      [&](const std::optional<ProjectDims>& dims, const ReportContext& context, bool locked,
          const std::optional<pb::MonthlyReport>&) -> absl::StatusOr<std::vector<pb::VerificationFlag>> {
    // Another unit's project is refused before anything about it (its 入库 state) is said.
    if (kind == pb::FIGURE_KIND_REPORTED && dims &&
        !Authorize(caller, Action::ACTION_SUBMIT_REPORT, Target{dims->unit_id, "", ""}).ok()) {
      return Error(absl::StatusCode::kPermissionDenied,
                   absl::StrCat("only the project's own unit reports figures for project ", report.project_id()),
                   "只能填报本单位项目的投资数据");
    }
    if (absl::Status s = CheckRukuForPeriod(dims, report.project_id(), period); !s.ok()) return s;
    if (kind == pb::FIGURE_KIND_CORRECTED && !locked) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("period ", report.period(), " is not locked: submit or verify the figure instead"),
                   absl::StrCat(report.period(), " 尚未锁定，请直接填报或核定，无需更正"));
    }
    if (kind != pb::FIGURE_KIND_CORRECTED && locked) {
      return Error(absl::StatusCode::kFailedPrecondition,
                   absl::StrCat("period ", report.period(),
                                " is locked by the statistics bureau: a figure changes only by a correction"),
                   absl::StrCat(report.period(), " 已由统计局锁定，数据只能通过更正修改"));
    }
    Violations checks;
    CheckReport(report, context, "report", checks);
    if (!checks.ok()) return checks.ToStatus();
    // 核实性审核 applies to what units report; the bureau's own figures are its verification.
    if (kind != pb::FIGURE_KIND_REPORTED) return std::vector<pb::VerificationFlag>{};
    auto flags = FlagFigure(report, period, context.figure, verification_);
    if (!flags.empty() && report.explanation().empty()) {
      Violations why;
      RequireExplanation(flags, "report.explanation", why);
      return why.ToStatus();
    }
    return flags;
  };
  const auto authorize = [&](const std::optional<ProjectDims>& dims) -> absl::Status {
    if (kind != pb::FIGURE_KIND_REPORTED || !dims) return absl::OkStatus();
    return Authorize(caller, Action::ACTION_SUBMIT_REPORT, Target{dims->unit_id, "", ""});
  };
  return store_.RecordReport({report, kind, caller.user_id, request_id, authorize}, check, deadline);
}

absl::StatusOr<pb::SubmitMonthlyReportResponse> Stats::SubmitMonthlyReport(const Caller& c,
                                                                           const pb::SubmitMonthlyReportRequest& q,
                                                                           absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_SUBMIT_REPORT); !s.ok()) return s;
  auto stored = Record(c, q.report(), pb::FIGURE_KIND_REPORTED, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::SubmitMonthlyReportResponse r;
  *r.mutable_report() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::VerifyMonthlyReportResponse> Stats::VerifyMonthlyReport(const Caller& c,
                                                                           const pb::VerifyMonthlyReportRequest& q,
                                                                           absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_VERIFY_REPORT); !s.ok()) return s;
  auto stored = Record(c, q.report(), pb::FIGURE_KIND_VERIFIED, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::VerifyMonthlyReportResponse r;
  *r.mutable_report() = *std::move(stored);
  return r;
}

absl::StatusOr<pb::CorrectMonthlyReportResponse> Stats::CorrectMonthlyReport(const Caller& c,
                                                                             const pb::CorrectMonthlyReportRequest& q,
                                                                             absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_CORRECT_REPORT); !s.ok()) return s;
  pb::MonthlyReport report = q.report();
  report.set_reason(q.reason());
  auto stored = Record(c, report, pb::FIGURE_KIND_CORRECTED, q.request_id(), d);
  if (!stored.ok()) return stored.status();
  pb::CorrectMonthlyReportResponse r;
  *r.mutable_report() = *std::move(stored);
  // A correction changes what the province was sent: the package gets a new version (a retry adds none).
  auto frozen = FreezePackage(report.period(), c.user_id, absl::StrCat("更正：", q.reason()), d);
  if (!frozen.ok()) return frozen.status();
  r.set_package_version(frozen->version);
  r.set_package_sha256(frozen->sha256);
  return r;
}

absl::Status Stats::MayReadProject(const Caller& reader, Action action, int64_t project_id, absl::Time d) {
  if (absl::Status allowed = Authorize(reader, action); !allowed.ok()) return allowed;
  if (ScopeOf(reader, action) == Scope::kAll) return absl::OkStatus();
  auto dims = store_.GetDims(project_id, d);
  if (!dims.ok()) return dims.status();
  return Authorize(reader, action, Target{*dims ? (*dims)->unit_id : "", "", ""});
}

absl::StatusOr<pb::GetMonthlyReportResponse> Stats::GetMonthlyReport(const Caller& reader,
                                                                     const pb::GetMonthlyReportRequest& q,
                                                                     absl::Time d) {
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  if (absl::Status s = MayReadProject(reader, Action::ACTION_READ_FIGURES, q.project_id(), d); !s.ok()) return s;
  auto versions = store_.ListVersions(q.project_id(), q.period(), d);
  if (!versions.ok()) return versions.status();
  if (versions->empty()) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("no report for project ", q.project_id(), " in ", q.period()),
                 absl::StrCat("项目 ", q.project_id(), " 没有 ", q.period(), " 的月报"));
  }
  // The official version: newest verified or corrected, else newest reported.
  const pb::MonthlyReport* official = nullptr;
  for (const auto& v : *versions) {
    if (v.kind() != pb::FIGURE_KIND_REPORTED) official = &v;
  }
  if (official == nullptr) official = &versions->back();
  pb::GetMonthlyReportResponse r;
  *r.mutable_report() = *official;
  return r;
}

absl::StatusOr<pb::ListMonthlyReportVersionsResponse> Stats::ListMonthlyReportVersions(
    const Caller& reader, const pb::ListMonthlyReportVersionsRequest& q, absl::Time d) {
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  if (absl::Status s = MayReadProject(reader, Action::ACTION_READ_FIGURE_VERSIONS, q.project_id(), d); !s.ok()) {
    return s;
  }
  auto versions = store_.ListVersions(q.project_id(), q.period(), d);
  if (!versions.ok()) return versions.status();
  pb::ListMonthlyReportVersionsResponse r;
  for (auto& v : *versions) *r.add_versions() = std::move(v);
  return r;
}

absl::StatusOr<pb::ProveMonthlyReportResponse> Stats::ProveMonthlyReport(const Caller& reader,
                                                                         const pb::ProveMonthlyReportRequest& q,
                                                                         absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_AUDIT); !allowed.ok()) return allowed;
  Violations v;
  CheckPeriod(q.period(), "period", v);
  if (q.project_id() <= 0) v.Add("project_id", "must be positive", "项目编号应为正整数");
  if (q.version() <= 0) v.Add("version", "must be positive", "版本号应为正整数");
  if (!v.ok()) return v.ToStatus();
  return store_.ProveReport(q.project_id(), q.period(), q.version(), d);
}

absl::StatusOr<pb::ListLatestFiguresResponse> Stats::ListLatestFigures(const Caller& reader,
                                                                       const pb::ListLatestFiguresRequest& q,
                                                                       absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  if (q.project_ids_size() > 10000)
    return InvalidField("project_ids", "at most 10000 per call", "每次最多 10000 个项目");
  auto reports = store_.ListLatest({q.project_ids().begin(), q.project_ids().end()}, q.period(), d);
  if (!reports.ok()) return reports.status();
  pb::ListLatestFiguresResponse r;
  for (auto& report : *reports) *r.add_reports() = std::move(report);
  return r;
}

absl::StatusOr<pb::ListProjectFiguresResponse> Stats::ListProjectFigures(const Caller& reader,
                                                                         const pb::ListProjectFiguresRequest& q,
                                                                         absl::Time d) {
  Violations v;
  if (q.project_id() <= 0) v.Add("project_id", "must be a positive id", "项目编号应为正整数");
  for (const auto& [field, value] : {std::pair{"from_period", q.from_period()}, {"to_period", q.to_period()}}) {
    if (!value.empty()) {
      if (auto p = ParsePeriod(value, field); !p.ok()) {
        for (auto& f : FieldViolationsOf(p.status())) v.Add(f.field, f.description, f.localized);
      }
    }
  }
  if (!q.from_period().empty() && !q.to_period().empty() && q.from_period() > q.to_period()) {
    v.Add("to_period", "must not be before from_period", "截止月份不能早于起始月份");
  }
  if (!v.ok()) return v.ToStatus();
  if (absl::Status s = MayReadProject(reader, Action::ACTION_READ_FIGURES, q.project_id(), d); !s.ok()) return s;
  auto reports = store_.ListOfficial(q.project_id(), q.from_period(), q.to_period(), d);
  if (!reports.ok()) return reports.status();
  pb::ListProjectFiguresResponse r;
  for (auto& report : *reports) *r.add_reports() = std::move(report);
  return r;
}

absl::StatusOr<pb::LockPeriodResponse> Stats::LockPeriod(const Caller& c, const pb::LockPeriodRequest& q,
                                                         absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_LOCK_PERIOD); !s.ok()) return s;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  auto lock = store_.LockPeriod(q.period(), c.user_id, d);
  if (!lock.ok()) return lock.status();
  // What the province receives for the period is frozen now (locking again returns the first freeze).
  auto first = store_.LoadPackageVersion(q.period(), 1, d);
  if (!first.ok()) return first.status();
  if (first->has_value()) {
    lock->set_package_sha256((*first)->sha256);
    return lock;
  }
  auto frozen = FreezePackage(q.period(), c.user_id, "锁定", d);
  if (!frozen.ok()) return frozen.status();
  lock->set_package_sha256(frozen->sha256);
  return lock;
}

absl::StatusOr<pb::GetRegionReportResponse> Stats::GetRegionReport(const Caller& reader,
                                                                   const pb::GetRegionReportRequest& q, absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  Violations v;
  CheckPeriod(q.period(), "period", v);
  const std::string& region = q.region();
  if (!(region.empty() || region.size() == 2 || region.size() == 4 || region.size() == 6) ||
      !std::all_of(region.begin(), region.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
    v.Add("region", "must be empty (the country) or a GB/T 2260 code of 2, 4 or 6 digits",
          "地区应为空(全国)或 2、4、6 位行政区划代码");
  }
  if (!v.ok()) return v.ToStatus();
  const Period period = *Period::Parse(q.period());
  auto locked = store_.IsLocked(q.period(), d);
  if (!locked.ok()) return locked.status();
  if (!*locked) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("period ", q.period(), " is not locked: regional reports are of locked periods"),
                 absl::StrCat(q.period(), " 尚未锁定，地区汇总只提供已锁定月份的数据"));
  }
  auto divisions = store_.DivisionSums(period, region, tables_, d);
  if (!divisions.ok()) return divisions.status();
  // The parts: provinces of the country, county-level divisions of a province or prefecture.
  IndicatorSums total;
  std::map<std::string, IndicatorSums> parts;
  for (const auto& [division, sums] : *divisions) {
    total += sums;
    if (region.size() < 6) parts[region.empty() ? division.substr(0, 2) : division] += sums;
  }
  pb::GetRegionReportResponse out;
  out.set_period(q.period());
  out.set_region(region);
  out.set_region_name(region.empty() ? std::string("全国") : DivisionName(region));
  auto finished = FinishIndicators(total, period);
  if (!finished.ok()) return finished.status();
  *out.mutable_total() = *std::move(finished);
  for (const auto& [code, sums] : parts) {
    auto part = FinishIndicators(sums, period);
    if (!part.ok()) return part.status();
    auto* p = out.add_parts();
    p->set_region(code);
    p->set_name(DivisionName(code));
    *p->mutable_indicators() = *std::move(part);
  }
  return out;
}

absl::StatusOr<pb::PublishPeriodResponse> Stats::PublishPeriod(const Caller& c, const pb::PublishPeriodRequest& q,
                                                               absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_LOCK_PERIOD); !s.ok()) return s;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  return store_.PublishPeriod(q.period(), c.user_id, d);
}

namespace {

// A freeze's side of the stream (StatsStore::FreezePackage): each 入库 project's row gets its unit's name and is
// hashed as it passes; every project is added to its division's sums; nothing of the rows is kept.
class Freezer : public StatsStore::PackageFreezer {
 public:
  Freezer(const Period& period, const std::map<std::string, std::string>& unit_names, const CodeTables& tables,
          std::function<void(pb::GetIndicatorsResponse&)> decorate, std::string actor, std::string reason)
      : period_(period),
        unit_names_(unit_names),
        tables_(tables),
        decorate_(std::move(decorate)),
        actor_(std::move(actor)),
        reason_(std::move(reason)),
        digest_(period.ToString()) {}

  absl::StatusOr<std::string> Project(const ProjectFacts& facts, const std::string& division,
                                      pb::PackageRow* row) override {
    divisions_[division].Add(facts, tables_);
    if (row == nullptr) return std::string();
    auto name = unit_names_.find(row->unit_id());
    if (name == unit_names_.end()) {
      return Error(absl::StatusCode::kUnavailable,
                   absl::StrCat("the name of unit ", row->unit_id(), " cannot be read from the registry; retry"),
                   "暂时无法从项目库读取单位名称，报表包未能封存，请稍后重试");
    }
    row->set_unit_name(name->second);
    std::string bytes = DeterministicBytes(*row);
    digest_.AddRow(bytes);
    return bytes;
  }

  absl::StatusOr<std::optional<Version>> Finish(const std::optional<StatsStore::PackageVersion>& newest) override {
    // The city indicators: every division's sums added, as ComputeIndicators adds the projects'.
    IndicatorSums total;
    for (const auto& [division, sums] : divisions_) total += sums;
    auto city = FinishIndicators(total, period_);
    if (!city.ok()) return city.status();
    decorate_(*city);
    const std::string content = digest_.ContentSha256(*city);
    if (newest.has_value()) {
      std::string newest_content = newest->content_sha256;
      pb::GetProvincialPackageResponse stored;
      if (newest_content.empty() && stored.ParseFromString(newest->snapshot)) newest_content = ContentSha256(stored);
      if (newest_content == content) return std::nullopt;
    }
    pb::GetProvincialPackageResponse header;
    header.set_period(period_.ToString());
    *header.mutable_city() = *std::move(city);
    *header.mutable_snapshot_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
    Version version;
    version.header = DeterministicBytes(header);
    version.sha256 = digest_.Sha256(header.city(), header.snapshot_time());
    version.content_sha256 = content;
    version.actor = actor_;
    version.reason = reason_;
    version.divisions = std::move(divisions_);
    return version;
  }

 private:
  const Period period_;
  const std::map<std::string, std::string>& unit_names_;
  const CodeTables& tables_;
  const std::function<void(pb::GetIndicatorsResponse&)> decorate_;
  const std::string actor_, reason_;
  PackageDigest digest_;
  std::map<std::string, IndicatorSums> divisions_;
};

}  // namespace

absl::StatusOr<StatsStore::PackageVersion> Stats::FreezePackage(const std::string& period_text,
                                                                const std::string& actor, const std::string& reason,
                                                                absl::Time d) {
  const Period period = *Period::Parse(period_text);
  const std::map<std::string, std::string> names = units_.UnitNames(d);
  auto context = ContextOf(period, /*city=*/true, d);
  if (!context.ok()) return context.status();
  Freezer freezer(
      period, names, tables_, [&](pb::GetIndicatorsResponse& city) { Decorate("city", *context, city); }, actor,
      reason);
  return store_.FreezePackage(period, freezer, d);
}

absl::StatusOr<pb::ImportMonthlyReportsResponse> Stats::ImportMonthlyReports(
    const Caller& c, const std::function<bool(pb::MonthlyReport*)>& next, bool import_valid_rows, absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_SUBMIT_REPORT); !s.ok()) return s;
  pb::ImportMonthlyReportsResponse response;
  auto refuse = [&response](int64_t index, const std::string& field, const std::string& rule,
                            const std::string& chinese) {
    auto* e = response.add_errors();
    e->set_row(index + 1);
    e->set_field(field);
    e->set_rule(rule);
    e->set_localized_rule(chinese);
  };
  const auto body = [&](ImportSession& session) -> absl::Status {
    const ImportContext& context = session.context();
    // What the import knows of each project it has seen: its dims and whether the caller may report for it
    // (looked up once per project rather than once per row), the months from which it may report (入库 before
    // their end), and its accepted or already stored rows — few, found by a look along them: 自年初累计,
    // 自开始建设累计 (for next year's rows) and 本月完成投资 (for the 核实性审核 rules).
    struct Accepted {
      Period period;
      // Checked in an all-or-nothing import before last December's row could have come later in the stream.
      bool without_december = false;
      int64_t index, ytd, since_start, month;
    };
    struct Project {
      int64_t id = 0;
      const ProjectDims* dims = nullptr;  // null: not a project of the registry
      // Of the dims, what every row reads, kept here beside the rows (the dims are elsewhere in memory).
      int64_t planned_total_yuan = 0;
      reg::ProjectStage stage = reg::PROJECT_STAGE_UNSPECIFIED;
      bool authorized = false;
      // The earliest period (YYYYMM) found reportable by 先入库、后有数 so far: every later one is too.
      int reportable_from = std::numeric_limits<int>::max();
      absl::InlinedVector<Accepted, 1> rows;  // a monthly file has one row per project: no allocation
    };
    // The projects in the order they were first seen, and where each is. A file lists its projects in the same
    // order month after month, so the next row's project is mostly the one after the last row's: found there by
    // a look at the next entry, not by a hash lookup (a cache miss for every row of a large file).
    std::vector<Project> projects;
    projects.reserve(context.dims->size());
    absl::flat_hash_map<int64_t, size_t> project_index;
    project_index.reserve(context.dims->size());  // every project known: no rehash on the way
    size_t cursor = 0;
    auto project_of = [&](int64_t project_id) -> Project& {
      if (cursor < projects.size() && projects[cursor].id == project_id) return projects[cursor++];
      auto [found, first_seen] = project_index.try_emplace(project_id, projects.size());
      if (first_seen) {
        Project& p = projects.emplace_back();
        p.id = project_id;
        if (auto dims = context.dims->find(project_id); dims != context.dims->end()) {
          p.dims = &dims->second;
          p.planned_total_yuan = p.dims->planned_total_yuan;
          p.stage = p.dims->stage;
          p.authorized = Authorize(c, Action::ACTION_SUBMIT_REPORT, Target{p.dims->unit_id, "", ""}).ok();
        }
      }
      cursor = found->second + 1;
      return projects[found->second];
    };
    auto accepted_of = [](const Project& project, const Period& period) -> const Accepted* {
      for (const Accepted& a : project.rows) {
        if (a.period == period) return &a;
      }
      return nullptr;
    };
    // Every row's key ends in one of these (or in `projects`): a key found in any of them appeared before.
    absl::flat_hash_set<int64_t> refused, deferred_keys;
    // Rows refused in an all-or-nothing import that were checked before last December's row could have come in
    // the stream: their 自开始建设累计 is checked once more after it (the accepted ones are marked in `projects`).
    struct Unsettled {
      int64_t index, december_key, ytd, since_start;
    };
    std::vector<Unsettled> unsettled;
    // A row whose previous month is neither stored nor yet seen waits for the end of the stream.
    std::vector<std::pair<int64_t, pb::MonthlyReport>> deferred;
    // The months a row's 核实性审核 looks back on, allocated once for all rows (up to two years of them).
    std::vector<MonthAmount> history_room;
    // Checks one row; writes it when accepted. Returns false when it must wait for the rest of the stream.
    auto process = [&](int64_t index, const pb::MonthlyReport& r, bool may_defer) {
      const auto parsed = Period::Parse(r.period());
      if (!parsed) {
        Violations bad;
        CheckPeriod(r.period(), "report.period", bad);
        for (const auto& item : bad.items()) refuse(index, item.field, item.description, item.localized);
        return true;
      }
      const Period period = *parsed;
      const int64_t key = ImportContext::Key(r.project_id(), period);
      Project& mine = project_of(r.project_id());  // the only insertion while this row is checked
      bool without_december = false;
      auto accept = [&] {
        // A project's rows of a year or more come together: room for a year at the first growth, not five.
        if (mine.rows.size() == 1) mine.rows.reserve(12);
        mine.rows.push_back({period, without_december, index, r.ytd_yuan(), r.since_start_yuan(), r.month_yuan()});
      };
      if (may_defer && (accepted_of(mine, period) || refused.contains(key) || deferred_keys.contains(key))) {
        refuse(index, "report.period", "the same project and period appear twice in the file",
               "同一项目同一月份在文件中出现了两次");
        return true;
      }
      // Another unit's project is refused before anything about it (its 入库 state) is said.
      if (mine.dims && !mine.authorized) {
        refuse(index, "report.project_id", "belongs to another unit", "不是本单位的项目");
        refused.insert(key);
        return true;
      }
      if (const int yyyymm = period.year * 100 + period.month; yyyymm < mine.reportable_from) {
        if (const absl::Status why = CheckRukuForPeriod(mine.dims, r.project_id(), period); !why.ok()) {
          refuse(index, "report.project_id", std::string(why.message()), ChineseMessageOf(why));
          refused.insert(key);
          return true;
        }
        mine.reportable_from = yyyymm;
      }
      session.LoadPeriod(period);
      auto newest = context.newest.find(key);
      if (newest != context.newest.end() && newest->second.kind() == pb::FIGURE_KIND_REPORTED &&
          SameFigures(newest->second, r)) {
        accept();
        return true;  // Already recorded: importing the same file twice records it once, locked or not.
      }
      auto locked = context.locked.find(r.period());
      if (locked != context.locked.end() && locked->second) {
        refuse(index, "report.period", "the period is locked: a figure changes only by a correction",
               "该月已锁定，数据只能通过更正修改");
        refused.insert(key);
        return true;
      }
      ReportContext rc;
      rc.figure.planned_total_yuan = mine.planned_total_yuan;
      rc.figure.stage = mine.stage;
      if (auto previous = period.PreviousInYear()) {
        const int64_t previous_key = ImportContext::Key(r.project_id(), *previous);
        if (refused.contains(previous_key)) {
          refuse(index, "report.ytd_yuan", absl::StrCat("the row of ", previous->ToString(), " was refused"),
                 absl::StrCat("同一项目 ", previous->ToString(), " 的数据未通过，本行无法核对"));
          refused.insert(key);
          return true;
        }
        if (const Accepted* b = accepted_of(mine, *previous)) {
          rc.previous_ytd = b->ytd;
        } else if (auto s = context.stored_ytd.find(previous_key); s != context.stored_ytd.end()) {
          rc.previous_ytd = s->second;
        } else if (may_defer) {
          deferred_keys.insert(key);
          return false;
        }
      }
      // 自开始建设累计 = 上年末 + 年初累计: last December's row may be stored or come in this same import, later.
      const int64_t december_key = ImportContext::Key(r.project_id(), {period.year - 1, 12});
      if (refused.contains(december_key)) {
        refuse(index, "report.since_start_yuan", absl::StrCat("the row of ", period.year - 1, "-12 was refused"),
               absl::StrCat("同一项目 ", period.year - 1, "-12 的数据未通过，本行无法核对自开始建设累计"));
        refused.insert(key);
        return true;
      }
      if (const Accepted* b = accepted_of(mine, {period.year - 1, 12})) {
        rc.last_december_since_start = b->since_start;
      } else if (auto dec = context.december_since_start.find(december_key);
                 dec != context.december_since_start.end()) {
        rc.last_december_since_start = dec->second;
      } else if (may_defer && import_valid_rows) {
        deferred_keys.insert(key);
        return false;  // settled after the stream, when a December row in it has been seen
      } else if (may_defer) {
        // All or nothing: checked now without it (nothing is kept if a row is refused), and once more after the
        // stream if a December row of the project comes later in it. Holding every row of a new year back for a
        // December that mostly does not exist kept the whole file in memory.
        without_december = true;
      }
      Violations checks;
      CheckReport(r, rc, "report", checks);
      std::vector<pb::VerificationFlag> flags;
      if (checks.ok()) {
        // The months looked back on, in order; a month of this import replaces the stored one.
        rc.figure.history.swap(history_room);  // empty, with the room of rows before
        const Period start = HistoryStart(period);
        auto in_range = [&](const MonthAmount& m) { return !(m.period < start) && m.period < period; };
        for (const Accepted& a : mine.rows) {
          const MonthAmount m{a.period, a.month};
          if (in_range(m)) rc.figure.history.push_back(m);
        }
        const size_t from_batch = rc.figure.history.size();
        if (auto s = context.stored_months.find(r.project_id()); s != context.stored_months.end()) {
          for (const MonthAmount& m : s->second) {
            if (!in_range(m)) continue;
            const auto end = rc.figure.history.begin() + static_cast<std::ptrdiff_t>(from_batch);
            if (std::none_of(rc.figure.history.begin(), end,
                             [&](const MonthAmount& b) { return b.period == m.period; }))
              rc.figure.history.push_back(m);
          }
        }
        std::sort(rc.figure.history.begin(), rc.figure.history.end(),
                  [](const MonthAmount& a, const MonthAmount& b) { return a.period < b.period; });
        flags = FlagFigure(r, period, rc.figure, verification_);
        history_room.swap(rc.figure.history);
        history_room.clear();
        if (!flags.empty() && r.explanation().empty()) RequireExplanation(flags, "report.explanation", checks);
      }
      if (!checks.ok()) {
        for (const auto& item : checks.items()) refuse(index, item.field, item.description, item.localized);
        if (without_december) unsettled.push_back({index, december_key, r.ytd_yuan(), r.since_start_yuan()});
        refused.insert(key);
        return true;
      }
      accept();
      // Once a row is refused in an all-or-nothing import nothing will be kept: stop writing, keep checking.
      if (import_valid_rows || response.errors_size() == 0) session.Write(r, flags);
      return true;
    };
    pb::MonthlyReport row;
    int64_t index = 0;
    for (; next(&row); ++index) {
      if (!process(index, row, /*may_defer=*/true)) deferred.emplace_back(index, std::move(row));
    }
    response.set_rows_received(index);
    // The waiting rows in (project, period) order: each month's predecessor is then settled first.
    std::vector<std::pair<int64_t, size_t>> order;  // (Key, place in deferred): each key computed once
    order.reserve(deferred.size());
    for (size_t i = 0; i < deferred.size(); ++i) {
      const pb::MonthlyReport& r = deferred[i].second;
      order.emplace_back(ImportContext::Key(r.project_id(), *Period::Parse(r.period())), i);
    }
    std::sort(order.begin(), order.end());
    for (const auto& [key, i] : order) process(deferred[i].first, deferred[i].second, /*may_defer=*/false);
    // The rows checked without last December's row: that row refused, or its 自开始建设累计 now known.
    auto settle = [&](const Unsettled& u) {
      const int year = static_cast<int>(u.december_key % 1'000'000 / 100);
      if (refused.contains(u.december_key)) {
        refuse(u.index, "report.since_start_yuan", absl::StrCat("the row of ", year, "-12 was refused"),
               absl::StrCat("同一项目 ", year, "-12 的数据未通过，本行无法核对自开始建设累计"));
      } else if (auto project = project_index.find(u.december_key / 1'000'000); project != project_index.end()) {
        const Accepted* december = accepted_of(projects[project->second], {year, 12});
        if (!december) return;
        Violations late;
        CheckSinceStart(u.since_start, u.ytd, december->since_start, "report", late);
        for (const auto& item : late.items()) refuse(u.index, item.field, item.description, item.localized);
      }
    };
    for (const Unsettled& u : unsettled) settle(u);
    for (const Project& project : projects) {
      for (const Accepted& a : project.rows) {
        if (!a.without_december) continue;
        settle({a.index, ImportContext::Key(project.id, {a.period.year - 1, 12}), a.ytd, a.since_start});
      }
    }
    // By row; a row's own errors in the order they were found.
    std::stable_sort(response.mutable_errors()->begin(), response.mutable_errors()->end(),
                     [](const pb::RowError& a, const pb::RowError& b) { return a.row() < b.row(); });
    if (response.errors_size() > 0 && !import_valid_rows) return absl::AbortedError("refused rows: roll back");
    return absl::OkStatus();
  };
  auto written = store_.Import(c.user_id, body, d);
  if (absl::IsAborted(written.status()) && response.errors_size() > 0 && !import_valid_rows) {
    response.set_rows_imported(0);  // Everything rolled back; the errors say why.
    return response;
  }
  if (!written.ok()) return written.status();
  response.set_rows_imported(*written);
  NamedCounter("saima_import_rows_total", "monthly report rows imported (committed)").Increment(*written);
  return response;
}

absl::StatusOr<pb::GetIndicatorsResponse> Stats::GetIndicators(const Caller& reader, const pb::GetIndicatorsRequest& q,
                                                               absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  auto facts = store_.LoadFacts(*period, d);
  if (!facts.ok()) return facts.status();
  return IndicatorsOf(*facts, *period, q.scope().name().empty() ? "city" : q.scope().name(), d);
}

absl::StatusOr<pb::GetIndicatorsResponse> Stats::IndicatorsOf(const std::vector<ProjectFacts>& facts,
                                                              const Period& period, const std::string& scope,
                                                              absl::Time d) {
  std::vector<ProjectFacts> selected;
  if (absl::StartsWith(scope, "unit:")) {
    const std::string unit = scope.substr(5);
    for (const auto& f : facts) {
      if (f.unit_id == unit) selected.push_back(f);
    }
  } else if (absl::StartsWith(scope, "tier:")) {
    reg::ProjectTier tier;
    if (!reg::ProjectTier_Parse(scope.substr(5), &tier)) {
      return InvalidField("scope", "tier must be a ProjectTier name such as PROJECT_TIER_KEY",
                          "范围中的层级无效(如 tier:PROJECT_TIER_KEY)");
    }
    for (const auto& f : facts) {
      if (f.HasTier(tier)) selected.push_back(f);
    }
  } else if (absl::StartsWith(scope, "category:")) {
    pb::Category category;
    if (!pb::Category_Parse(scope.substr(9), &category)) {
      return InvalidField("scope", "category must be a Category name such as CATEGORY_MANUFACTURING",
                          "范围中的类别无效(如 category:CATEGORY_MANUFACTURING)");
    }
    for (const auto& f : facts) {
      if (InCategory(f, category, tables_)) selected.push_back(f);
    }
  } else if (scope != "city") {
    return InvalidField("scope", "must be city, unit:<unit_id>, tier:<ProjectTier> or category:<Category>",
                        "范围应为 city、unit:单位编码、tier:层级 或 category:类别");
  }
  auto computed = ComputeIndicators(scope == "city" ? facts : selected, period, tables_);
  if (!computed.ok()) return computed.status();
  auto context = ContextOf(period, scope == "city", d);
  if (!context.ok()) return context.status();
  pb::GetIndicatorsResponse response = *std::move(computed);
  Decorate(scope, *context, response);
  return response;
}

absl::StatusOr<Stats::PeriodContext> Stats::ContextOf(const Period& period, bool city, absl::Time d) {
  PeriodContext context;
  auto state = store_.StateOf(period.ToString(), d);
  if (!state.ok()) return state.status();
  context.state = *state;
  if (city) {
    auto peers = store_.PeerFigures(period.ToString(), d);
    if (!peers.ok()) return peers.status();
    context.peers = *std::move(peers);
  }
  return context;
}

void Stats::Decorate(const std::string& scope, const PeriodContext& context,
                     pb::GetIndicatorsResponse& response) const {
  response.mutable_scope()->set_name(scope);
  response.set_provisional(!context.state.locked);
  response.set_published(context.state.published);
  if (context.state.updated_at > 0) {
    *response.mutable_updated_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(context.state.updated_at);
  }
  response.set_growth_target_milli_percent(growth_target_milli_percent_);
  auto rank = [&](pb::Indicator* indicator, int category) {
    auto it = context.peers.find(category);
    if (it == context.peers.end()) return;
    indicator->set_prefecture_rank(PrefectureRank(indicator->yoy_growth(), it->second));
    indicator->set_prefecture_size(static_cast<int>(it->second.size()) + 1);
  };
  rank(response.mutable_total(), pb::CATEGORY_UNSPECIFIED);
  for (auto& indicator : *response.mutable_categories()) rank(&indicator, indicator.category());
}

absl::StatusOr<pb::ListProjectStatusesResponse> Stats::ListProjectStatuses(const Caller& reader,
                                                                           const pb::ListProjectStatusesRequest& q,
                                                                           absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  reg::ProjectTier tier = reg::PROJECT_TIER_KEY;
  if (!q.tier().empty() && !reg::ProjectTier_Parse(q.tier(), &tier)) {
    return InvalidField("tier", "must be a ProjectTier name such as PROJECT_TIER_KEY", "层级无效(如 PROJECT_TIER_KEY)");
  }
  auto facts = store_.LoadFacts(*period, d);
  if (!facts.ok()) return facts.status();
  return StatusesOf(*facts, tier, *period, thresholds_);
}

absl::StatusOr<pb::ListStatusHistoryResponse> Stats::ListStatusHistory(const Caller& reader,
                                                                       const pb::ListStatusHistoryRequest& q,
                                                                       absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  auto months = store_.LoadFactsHistory(*period, d);
  if (!months.ok()) return months.status();
  return StatusHistoryOf(*months, *period, thresholds_);
}

absl::StatusOr<pb::RankUnitsResponse> Stats::RankUnits(const Caller& reader, const pb::RankUnitsRequest& q,
                                                       absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  if (q.min_annual_plan_yuan() < 0) {
    return InvalidField("min_annual_plan_yuan", "must not be negative", "年度计划下限不能为负数");
  }
  auto facts = store_.LoadFacts(*period, d);
  if (!facts.ok()) return facts.status();
  return stats::RankUnits(*facts, *period, q.min_annual_plan_yuan(), q.ascending(), units_.UnitNames(d));
}

absl::StatusOr<pb::SetPeerFiguresResponse> Stats::SetPeerFigures(const Caller& c, const pb::SetPeerFiguresRequest& q,
                                                                 absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_SET_PEER_FIGURES); !s.ok()) return s;
  Violations v;
  for (int i = 0; i < q.figures_size(); ++i) {
    const auto& f = q.figures(i);
    const std::string prefix = absl::StrCat("figures[", i, "]");
    if (f.region_code().size() != 6) {
      v.Add(prefix + ".region_code", "must be a 6-digit GB/T 2260 county code", "区划代码应为 6 位 GB/T 2260 县级代码");
    }
    CheckPeriod(f.period(), prefix + ".period", v);
    if (!pb::Category_IsValid(f.category())) v.Add(prefix + ".category", "must be a known category", "类别无效");
  }
  if (!v.ok()) return v.ToStatus();
  auto stored = store_.SetPeerFigures({q.figures().begin(), q.figures().end()}, d);
  if (!stored.ok()) return stored.status();
  pb::SetPeerFiguresResponse r;
  r.set_stored(*stored);
  return r;
}

absl::StatusOr<Stats::OpenPackage> Stats::OpenProvincialPackage(const Caller& reader,
                                                                const pb::GetProvincialPackageRequest& q,
                                                                absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  Violations v;
  CheckPeriod(q.period(), "period", v);
  if (q.version() < 0) v.Add("version", "must not be negative", "版本号不能为负数");
  const std::string& region = q.region();
  if (!region.empty() && (region.size() != 6 ||
                          !std::all_of(region.begin(), region.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))) {
    v.Add("region", "must be empty (the whole package) or the 6-digit GB/T 2260 code of a county-level division",
          "地区应为空(整个报表包)或 6 位县级行政区划代码");
  }
  if (!v.ok()) return v.ToStatus();
  const Period period = *Period::Parse(q.period());
  auto locked = store_.IsLocked(q.period(), d);
  if (!locked.ok()) return locked.status();
  if (!*locked) {
    return Error(absl::StatusCode::kFailedPrecondition,
                 absl::StrCat("period ", q.period(),
                              " is not locked: the provincial package is made from the statistics bureau's locked "
                              "figures only"),
                 absl::StrCat(q.period(), " 尚未锁定：省级报表包只能用统计局锁定的数据生成"));
  }
  auto version = store_.LoadPackageVersion(q.period(), q.version(), d);
  if (!version.ok()) return version.status();
  if (!version->has_value() && q.version() <= 1) {
    // Locked before packages were frozen (or the freeze at the lock failed): frozen at this first read.
    auto frozen = FreezePackage(q.period(), reader.user_id, "锁定", d);
    if (!frozen.ok()) return frozen.status();
    version = store_.LoadPackageVersion(q.period(), q.version(), d);
    if (!version.ok()) return version.status();
  }
  if (!version->has_value()) {
    return Error(absl::StatusCode::kNotFound,
                 absl::StrCat("period ", q.period(), " has no package version ", q.version()),
                 absl::StrCat(q.period(), " 没有第 ", q.version(), " 版报表包"));
  }
  const StatsStore::PackageVersion& frozen = **version;
  OpenPackage out;
  out.rows_apart = frozen.rows_apart;
  out.row_count = frozen.row_count;
  pb::GetProvincialPackageResponse& response = out.head;
  if (!response.ParseFromString(frozen.snapshot)) return absl::InternalError("a frozen package cannot be read");
  response.set_version(frozen.version);
  response.set_snapshot_sha256(frozen.sha256);
  response.set_reason(frozen.reason);
  if (!frozen.rows_apart && !region.empty()) {
    auto* rows = response.mutable_rows();
    rows->erase(std::remove_if(rows->begin(), rows->end(),
                               [&region](const pb::PackageRow& r) { return DivisionOf(r.project_code()) != region; }),
                rows->end());
  }
  if (region.empty()) return out;
  // The division's indicators from the sums frozen with the version; a version frozen before they were kept has
  // the period's sums as locked (or as corrected since).
  auto sums = store_.PackageDivisionSums(q.period(), frozen.version, region, d);
  if (!sums.ok()) return sums.status();
  if (!sums->has_value() && !frozen.rows_apart) {
    auto locked_sums = store_.DivisionSums(period, region, tables_, d);
    if (!locked_sums.ok()) return locked_sums.status();
    IndicatorSums added;
    for (const auto& [division, part] : *locked_sums) added += part;
    *sums = added;
  }
  auto total = FinishIndicators(sums->value_or(IndicatorSums{}), period);
  if (!total.ok()) return total.status();
  // The period's state as frozen with the city's indicators (no rank: the peers are the city's).
  const pb::GetIndicatorsResponse& city = response.city();
  total->mutable_scope()->set_name(absl::StrCat("region:", region));
  total->set_provisional(city.provisional());
  total->set_published(city.published());
  if (city.has_updated_time()) *total->mutable_updated_time() = city.updated_time();
  total->set_growth_target_milli_percent(city.growth_target_milli_percent());
  response.set_region(region);
  response.set_region_name(DivisionName(region));
  *response.mutable_region_total() = *std::move(total);
  return out;
}

absl::StatusOr<pb::GetProvincialPackageResponse> Stats::GetProvincialPackage(const Caller& reader,
                                                                             const pb::GetProvincialPackageRequest& q,
                                                                             absl::Time d) {
  auto open = OpenProvincialPackage(reader, q, d);
  if (!open.ok()) return open.status();
  if (q.region().empty() && open->row_count > max_package_rows_) {
    return Error(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("the package of ", q.period(), " has ", open->row_count, " rows, more than ", max_package_rows_,
                     " in one response: ask for one county-level division, or stream it "
                     "(StreamProvincialPackage)"),
        absl::StrCat(q.period(), " 报表包共 ", open->row_count, " 个项目，超过一次导出的上限 ", max_package_rows_,
                     " 个，请按县级行政区划分别导出，或用 saimactl report provincial --stream 逐行导出整个报表包"));
  }
  pb::GetProvincialPackageResponse& response = open->head;
  if (!open->rows_apart) return std::move(response);
  absl::Status read = store_.ReadPackageRows(
      q.period(), response.version(), q.region(),
      [&response](const std::string& bytes) {
        if (!response.add_rows()->ParseFromString(bytes)) return absl::InternalError("a package row cannot be read");
        return absl::OkStatus();
      },
      d);
  if (!read.ok()) return read;
  return std::move(response);
}

absl::Status Stats::StreamProvincialPackage(const Caller& reader, const pb::GetProvincialPackageRequest& q,
                                            const std::function<bool(const pb::GetProvincialPackageResponse&)>& send,
                                            absl::Time d, int rows_per_message) {
  auto open = OpenProvincialPackage(reader, q, d);
  if (!open.ok()) return open.status();
  const absl::Status gone = absl::CancelledError("the client stopped reading the package");
  // A version frozen before rows were kept apart has them inside: sent after the head like the others.
  pb::GetProvincialPackageResponse inside;
  inside.mutable_rows()->Swap(open->head.mutable_rows());
  if (!send(open->head)) return gone;
  pb::GetProvincialPackageResponse block;
  auto flush = [&] {
    const bool sent = send(block);
    block.clear_rows();
    return sent;
  };
  if (!open->rows_apart) {
    for (pb::PackageRow& row : *inside.mutable_rows()) {
      block.add_rows()->Swap(&row);
      if (block.rows_size() == rows_per_message && !flush()) return gone;
    }
  } else {
    absl::Status read = store_.ReadPackageRows(
        q.period(), open->head.version(), q.region(),
        [&](const std::string& bytes) {
          if (!block.add_rows()->ParseFromString(bytes)) return absl::InternalError("a package row cannot be read");
          if (block.rows_size() == rows_per_message && !flush()) return gone;
          return absl::OkStatus();
        },
        d);
    if (!read.ok()) return read;
  }
  if (block.rows_size() > 0 && !flush()) return gone;
  return absl::OkStatus();
}

absl::StatusOr<pb::GetCityReportResponse> Stats::GetCityReport(const Caller& reader, const pb::GetCityReportRequest& q,
                                                               absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto parsed = ParsePeriod(q.period(), "period");
  if (!parsed.ok()) return parsed.status();
  const Period period = *parsed;
  auto facts = store_.LoadFacts(period, d);
  if (!facts.ok()) return facts.status();
  auto indicators = IndicatorsOf(*facts, period, "city", d);
  if (!indicators.ok()) return indicators.status();
  pb::GetCityReportResponse response;
  pb::CityReport& report = *response.mutable_report();
  *report.mutable_indicators() = *std::move(indicators);
  *report.mutable_key_projects() = StatusesOf(*facts, reg::PROJECT_TIER_KEY, period, thresholds_);
  AmountSum key_ytd, key_plan;
  for (const auto& f : *facts) {
    if (f.HasTier(reg::PROJECT_TIER_KEY) && f.plan.has_value()) {
      key_ytd += f.ytd;
      key_plan += *f.plan;
    }
  }
  if (!key_ytd.fits() || !key_plan.fits()) return TotalOutOfRange("重点项目投资");
  *report.mutable_key_projects_completion_rate() = MakeRate(key_ytd.value(), key_plan.value());
  if (q.rank_min_annual_plan_yuan() < 0) {
    return InvalidField("rank_min_annual_plan_yuan", "must not be negative", "排名的年度计划下限不能为负数");
  }
  const int64_t minimum = q.rank_min_annual_plan_yuan() > 0 ? q.rank_min_annual_plan_yuan() : kDefaultRankMinimumYuan;
  auto lowest = stats::RankUnits(*facts, period, minimum, /*ascending=*/true, units_.UnitNames(d));
  if (!lowest.ok()) return lowest.status();
  *report.mutable_lowest_units() = *std::move(lowest);
  // New 重大 projects started in the first half of the year, and those behind (预警 or 滞后).
  const std::string h1_start = absl::StrCat(period.year, "-01-01");
  const std::string h1_end = absl::StrCat(period.year, "-06-30");
  for (const auto& f : *facts) {
    if (!f.HasTier(reg::PROJECT_TIER_MAJOR) || f.StartDate() < h1_start || f.StartDate() > h1_end) {
      continue;
    }
    report.set_new_major_starts(report.new_major_starts() + 1);
    const auto status = StatusOf(f, period, thresholds_).status();
    if (IsBehind(status)) {
      report.set_new_major_starts_behind(report.new_major_starts_behind() + 1);
    }
  }
  return response;
}

void RequireExplanation(const std::vector<pb::VerificationFlag>& flags, const std::string& field, Violations& v) {
  for (const auto& f : flags) {
    v.Add(field,
          absl::StrCat("核实性审核 ", f.rule_id(), " (", pb::VerificationRule_Name(f.rule()),
                       ") flags this figure: it is accepted only with a 说明 (explanation)"),
          absl::StrCat("核实性审核 ", f.rule_id(), "「", DisplayNameOf(f.rule()), "」：", f.evidence(),
                       "。请填写说明后再报送"));
  }
}

std::vector<pb::VerificationFlag> FlagsOf(const StatsStore::FlagData& data, const Period& period,
                                          const VerificationSettings& settings) {
  std::vector<pb::VerificationFlag> out = data.figure_flags;
  // HS06: each unit's first digits over the year.
  for (const auto& [unit, amounts] : data.unit_amounts) {
    const BenfordTest test = TestBenford(amounts, settings);
    if (!test.judged || test.conforms) continue;
    pb::VerificationFlag f;
    f.set_rule(pb::VERIFICATION_RULE_BENFORD);
    f.set_rule_id(RuleId(f.rule()));
    f.set_unit_id(unit);
    f.set_period(period.ToString());
    f.set_evidence(BenfordEvidence(test, settings));
    out.push_back(std::move(f));
  }
  // HS07: each project's corrections after a lock, against the official figure they replaced.
  std::map<int64_t, std::vector<Correction>> corrections;
  const pb::MonthlyReport* official = nullptr;  // of the current (project, period)
  const pb::MonthlyReport* reported = nullptr;
  for (size_t i = 0; i < data.corrected_versions.size(); ++i) {
    const pb::MonthlyReport& v = data.corrected_versions[i];
    if (i == 0 || v.project_id() != data.corrected_versions[i - 1].project_id() ||
        v.period() != data.corrected_versions[i - 1].period()) {
      official = reported = nullptr;
    }
    if (v.kind() == pb::FIGURE_KIND_CORRECTED) {
      const pb::MonthlyReport* before = official ? official : reported;
      corrections[v.project_id()].push_back(
          {*Period::Parse(v.period()), before ? before->ytd_yuan() : 0, v.ytd_yuan()});
    }
    if (v.kind() == pb::FIGURE_KIND_REPORTED) {
      reported = &v;
    } else {
      official = &v;
    }
  }
  for (const auto& [project, list] : corrections) {
    const auto large = LargeCorrections(list, settings);
    if (static_cast<int>(large.size()) < settings.correction_count) continue;
    pb::VerificationFlag f;
    f.set_rule(pb::VERIFICATION_RULE_FREQUENT_CORRECTIONS);
    f.set_rule_id(RuleId(f.rule()));
    f.set_project_id(project);
    if (auto it = data.project_units.find(project); it != data.project_units.end()) {
      f.set_unit_id(it->second.first);
      f.set_project_name(it->second.second);
    }
    f.set_period(period.ToString());
    f.set_evidence(CorrectionsEvidence(large, settings));
    out.push_back(std::move(f));
  }
  for (auto& f : out) {
    const std::string subject = f.project_id() != 0 ? absl::StrCat("project:", f.project_id()) : "unit:" + f.unit_id();
    auto it = data.dismissals.find({subject, static_cast<int>(f.rule()), f.version()});
    if (it == data.dismissals.end()) continue;
    f.set_dismissed(true);
    f.set_dismissed_by(it->second.actor);
    f.set_dismiss_reason(it->second.reason);
    *f.mutable_dismiss_time() = google::protobuf::util::TimeUtil::SecondsToTimestamp(it->second.at);
  }
  std::sort(out.begin(), out.end(), [](const pb::VerificationFlag& a, const pb::VerificationFlag& b) {
    return std::make_tuple(a.unit_id(), a.project_id(), static_cast<int>(a.rule())) <
           std::make_tuple(b.unit_id(), b.project_id(), static_cast<int>(b.rule()));
  });
  return out;
}

absl::StatusOr<pb::ListVerificationFlagsResponse> Stats::ListVerificationFlags(
    const Caller& reader, const pb::ListVerificationFlagsRequest& q, absl::Time d) {
  constexpr Action kAction = Action::ACTION_READ_FIGURE_VERSIONS;
  if (absl::Status allowed = Authorize(reader, kAction); !allowed.ok()) return allowed;
  auto period = ParsePeriod(q.period(), "period");
  if (!period.ok()) return period.status();
  if (!pb::VerificationRule_IsValid(q.rule())) return InvalidField("rule", "is not a known rule", "审核规则无效");
  auto data = store_.LoadFlagData(*period, d);
  if (!data.ok()) return data.status();
  const bool all = ScopeOf(reader, kAction) == Scope::kAll;
  pb::ListVerificationFlagsResponse r;
  r.set_period(q.period());
  for (auto& f : FlagsOf(*data, *period, verification_)) {
    if (!q.unit_id().empty() && f.unit_id() != q.unit_id()) continue;
    if (q.rule() != pb::VERIFICATION_RULE_UNSPECIFIED && f.rule() != q.rule()) continue;
    if (q.open_only() && f.dismissed()) continue;
    if (!all && !Authorize(reader, kAction, Target{f.unit_id(), "", ""}).ok()) continue;
    *r.add_flags() = std::move(f);
  }
  return r;
}

absl::StatusOr<pb::DismissVerificationFlagResponse> Stats::DismissVerificationFlag(
    const Caller& c, const pb::DismissVerificationFlagRequest& q, absl::Time d) {
  if (absl::Status s = Authorize(c, Action::ACTION_VERIFY_REPORT); !s.ok()) return s;
  Violations v;
  CheckPeriod(q.period(), "period", v);
  if (q.rule() == pb::VERIFICATION_RULE_UNSPECIFIED || !pb::VerificationRule_IsValid(q.rule())) {
    v.Add("rule", "is required: a VerificationRule", "请选择审核规则");
  }
  const bool unit_level = q.rule() == pb::VERIFICATION_RULE_BENFORD;
  if (unit_level && q.unit_id().empty()) v.Add("unit_id", "is required for a unit-level rule", "请填写单位");
  if (!unit_level && q.project_id() <= 0) v.Add("project_id", "must be a positive id", "项目编号应为正整数");
  if (q.reason().empty()) v.Add("reason", "is required: why the flag is dismissed", "请填写排除疑点的理由");
  if (q.reason().size() > 2000) v.Add("reason", "must be at most 2000 bytes", "理由过长");
  if (!v.ok()) return v.ToStatus();
  const Period period = *Period::Parse(q.period());
  auto data = store_.LoadFlagData(period, d);
  if (!data.ok()) return data.status();
  for (const auto& f : FlagsOf(*data, period, verification_)) {
    if (f.rule() != q.rule() || (unit_level ? f.unit_id() != q.unit_id() : f.project_id() != q.project_id())) {
      continue;
    }
    pb::DismissVerificationFlagResponse r;
    if (f.dismissed()) {  // dismissed before: the first dismissal stands
      *r.mutable_flag() = f;
      return r;
    }
    const std::string subject = unit_level ? "unit:" + q.unit_id() : absl::StrCat("project:", q.project_id());
    if (absl::Status s =
            store_.DismissFlag(q.period(), subject, static_cast<int>(q.rule()), f.version(), c.user_id, q.reason(), d);
        !s.ok()) {
      return s;
    }
    auto after = store_.LoadFlagData(period, d);
    if (!after.ok()) return after.status();
    for (auto& g : FlagsOf(*after, period, verification_)) {
      if (g.rule() == f.rule() && g.project_id() == f.project_id() && g.unit_id() == f.unit_id()) {
        *r.mutable_flag() = std::move(g);
      }
    }
    return r;
  }
  return Error(
      absl::StatusCode::kNotFound,
      absl::StrCat("no ", pb::VerificationRule_Name(q.rule()), " flag on ",
                   unit_level ? "unit " + q.unit_id() : absl::StrCat("project ", q.project_id()), " in ", q.period()),
      absl::StrCat(q.period(), " ", unit_level ? "单位 " + q.unit_id() : absl::StrCat("项目 ", q.project_id()),
                   " 没有「", DisplayNameOf(q.rule()), "」疑点"));
}

absl::StatusOr<pb::GetForecastResponse> Stats::GetForecast(const Caller& reader, const pb::GetForecastRequest& q,
                                                           absl::Time d) {
  if (absl::Status allowed = Authorize(reader, Action::ACTION_READ_REPORTS); !allowed.ok()) return allowed;
  auto parsed = ParsePeriod(q.period(), "period");
  if (!parsed.ok()) return parsed.status();
  const Period period = *parsed;
  auto facts = store_.LoadFacts(period, d);
  if (!facts.ok()) return facts.status();
  auto points = store_.LoadYtdHistory({period.year - kForecastHistoryYears, 2}, {period.year - 1, 12}, d);
  if (!points.ok()) return points.status();
  absl::flat_hash_map<int64_t, std::map<int, YearSeries>> by_project;
  for (const auto& p : *points) {
    auto& year = by_project[p.project_id][p.period.year];
    year[p.period.month] = p.ytd;
  }
  // A scope's history, year-to-date and last year's total, added up with checks.
  struct Parts {
    ScopeHistory history;
    int64_t ytd = 0;
    int64_t last_year = 0;
    int64_t plan = 0;
  };
  auto parts_of = [&](const std::function<bool(const ProjectFacts&)>& in_scope,
                      const std::string& what) -> absl::StatusOr<Parts> {
    std::map<int, std::array<AmountSum, 13>> sums;
    AmountSum ytd, plan;
    for (const ProjectFacts& f : *facts) {
      if (!in_scope(f)) continue;
      if (f.counted) ytd += f.ytd;
      if (f.plan) plan += *f.plan;
      auto it = by_project.find(f.project_id);
      if (it == by_project.end()) continue;
      for (const auto& [year, series] : it->second) {
        for (int m = 2; m <= 12; ++m) sums[year][m] += series[m];
      }
    }
    Parts parts;
    if (!ytd.fits() || !plan.fits()) return TotalOutOfRange(what);
    parts.ytd = ytd.value();
    parts.plan = plan.value();
    for (auto& [year, months] : sums) {
      YearSeries series{};
      for (int m = 2; m <= 12; ++m) {
        if (!months[m].fits()) return TotalOutOfRange(what);
        series[m] = months[m].value();
      }
      parts.history[year] = series;
    }
    if (auto last = parts.history.find(period.year - 1); last != parts.history.end()) {
      parts.last_year = last->second[12];
    }
    return parts;
  };
  auto city = parts_of([](const ProjectFacts&) { return true; }, "全市");
  if (!city.ok()) return city.status();
  const auto city_shares = SharesAt(city->history, period.month);
  // The scope's own shape when it has enough years, else the city's.
  auto forecast = [&](const std::string& scope, const std::string& name, const Parts& parts, int64_t target, bool yi) {
    auto shares = SharesAt(parts.history, period.month);
    const bool own = static_cast<int>(shares.size()) >= kOwnShapeMinYears;
    return MakeForecast(scope, name, parts.ytd, Project(parts.ytd, own ? shares : city_shares), own, parts.last_year,
                        target, yi);
  };
  // The growth target on last year's total, rounded half away from zero.
  auto grown = [&](int64_t last_year) -> int64_t {
    if (last_year <= 0) return 0;
    return last_year + RoundHalfAwayFromZero(static_cast<__int128>(last_year) * growth_target_milli_percent_, 100'000);
  };
  pb::GetForecastResponse r;
  r.set_period(q.period());
  r.set_growth_target_milli_percent(growth_target_milli_percent_);
  *r.mutable_city() = forecast("city", "全市", *city, grown(city->last_year), true);
  for (int c = pb::Category_MIN + 1; c <= pb::Category_MAX; ++c) {
    const auto category = static_cast<pb::Category>(c);
    // 建安 is a part of every project's investment, not a set of projects: its shape would need the 建安 series.
    if (!pb::Category_IsValid(c) || category == pb::CATEGORY_CONSTRUCTION_INSTALLATION) continue;
    auto parts =
        parts_of([&](const ProjectFacts& f) { return InCategory(f, category, tables_); }, DisplayNameOf(category));
    if (!parts.ok()) return parts.status();
    *r.add_categories() = forecast(absl::StrCat("category:", pb::Category_Name(category)), DisplayNameOf(category),
                                   *parts, grown(parts->last_year), true);
  }
  std::set<std::string> unit_ids;
  for (const ProjectFacts& f : *facts) {
    if ((f.counted && f.ytd > 0) || f.plan) unit_ids.insert(f.unit_id);
  }
  const auto names = units_.UnitNames(d);
  for (const std::string& unit : unit_ids) {
    auto parts = parts_of([&](const ProjectFacts& f) { return f.unit_id == unit; }, unit);
    if (!parts.ok()) return parts.status();
    auto name = names.find(unit);
    *r.add_units() = forecast("unit:" + unit, name == names.end() ? unit : name->second, *parts, parts->plan, false);
  }
  for (const ProjectFacts& f : *facts) {
    if (!f.HasTier(reg::PROJECT_TIER_KEY)) continue;
    auto parts = parts_of([&](const ProjectFacts& g) { return g.project_id == f.project_id; }, f.name);
    if (!parts.ok()) return parts.status();
    *r.add_key_projects() = forecast(absl::StrCat("project:", f.project_id), f.name, *parts, f.plan.value_or(0), false);
  }
  return r;
}

}  // namespace saima::stats
