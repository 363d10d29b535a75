#include "gateway/dispatch_export.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/format.h"
#include "common/names.h"
#include "services/registry/dispatch_rules.h"

namespace saima::gateway {
namespace {

namespace gw = ::saima::gateway::v1;
namespace reg = ::saima::registry::v1;

std::string ProblemsText(const google::protobuf::RepeatedPtrField<reg::Problem>& problems) {
  std::vector<std::string> parts;
  for (const auto& p : problems) {
    parts.push_back(absl::StrCat("[", DisplayNameOf(p.kind()), "] ", p.description(), " (", p.responsible_person(),
                                 ", ", p.deadline(), p.overdue() ? " 已逾期" : "", ")"));
  }
  return parts.empty() ? "—" : absl::StrJoin(parts, "；");
}

std::string OrdersText(const google::protobuf::RepeatedPtrField<reg::Order>& orders) {
  std::vector<std::string> parts;
  for (const auto& o : orders) {
    parts.push_back(
        absl::StrCat(DisplayNameOf(o.level()), " #", o.order_id(), " ", o.task(), " (责任人 ", o.owner_name(), ")"));
  }
  return parts.empty() ? "—" : absl::StrJoin(parts, "；");
}

using K = CellKind;

// The title block of a sheet: the report, the sheet, and the notes under them.
void Title(Table* t, const std::string& report, const std::string& period, const std::string& unit_of_measure) {
  t->title = absl::StrCat(report, "——", t->name);
  t->notes.push_back(absl::StrCat("报告期：", PeriodInChinese(period)));
  if (!unit_of_measure.empty()) t->notes.push_back(absl::StrCat("计量单位：", unit_of_measure));
}

Table ProjectsTable(const std::string& name, const google::protobuf::RepeatedPtrField<gw::AgendaProject>& projects) {
  Table t{name,
          {{"项目编号", "项目名称", "单位", "本月状态", "上月状态", "连续预警滞后(月)", "自年初累计(万元)",
            "年度计划(万元)", "完成率", "原因", "问题与要素保障", "督办"}},
          {K::kText, K::kText, K::kText, K::kText, K::kText, K::kCount, K::kDecimal1, K::kDecimal1, K::kPercent1}};
  for (const auto& p : projects) {
    t.cells.push_back({absl::StrCat(p.project_id()), p.project_name(), p.unit_name(), p.status(),
                       p.previous_status().empty() ? "—" : p.previous_status(), absl::StrCat(p.months_behind()),
                       Wan(p.ytd_yuan()), Wan(p.plan_yuan()), Percent(p.ytd_yuan(), p.plan_yuan()), p.reason(),
                       ProblemsText(p.problems()), OrdersText(p.orders())});
  }
  return t;
}

}  // namespace

std::vector<Table> AgendaTables(const gw::GetDispatchAgendaResponse& a) {
  std::vector<Table> out;
  auto unit_name = [&a](const std::string& id) {
    auto it = a.unit_names().find(id);
    return it == a.unit_names().end() || it->second.empty() ? id : it->second;
  };
  out.push_back(ProjectsTable("预警滞后项目", a.behind()));
  out.push_back(ProjectsTable("亮灯变化", a.light_changes()));
  out.push_back(ProjectsTable("建议督办", a.proposed_orders()));
  Table milestones{"逾期节点",
                   {{"项目编号", "项目名称", "单位", "节点", "应完成日期", "逾期天数", "责任人"}},
                   {K::kText, K::kText, K::kText, K::kText, K::kText, K::kCount}};
  for (const auto& m : a.overdue_milestones()) {
    milestones.cells.push_back(
        {absl::StrCat(m.project_id()), m.project_name(), m.unit_name(),
         m.milestone().title().empty() ? DisplayNameOf(m.milestone().kind()) : m.milestone().title(),
         m.milestone().due_date(), absl::StrCat(m.days_overdue()), m.milestone().owner_name()});
  }
  out.push_back(std::move(milestones));
  Table missing{"应统尽统",
                {{"项目代码", "项目名称", "单位", "实际开工日期", "计划总投资(万元)", "开工月数", "灯"}},
                {K::kText, K::kText, K::kText, K::kText, K::kDecimal1, K::kCount}};
  for (const auto& e : a.not_ruku()) {
    missing.cells.push_back(
        {e.project().project_code(), e.project().name(), unit_name(e.project().unit_id()),
         e.project().actual_start_date(), Wan(e.project().planned_total_investment_yuan()),
         absl::StrCat(e.months_since_start()),
         e.light() == reg::MISSING_RUKU_LIGHT_RED ? "红" : (e.light() == reg::MISSING_RUKU_LIGHT_YELLOW ? "黄" : "—")});
  }
  out.push_back(std::move(missing));
  Table units{"低于时序进度单位",
              {{"单位", "自年初累计(万元)", "年度计划(万元)", "完成率", "与时序进度差(百分点)"}},
              {K::kText, K::kDecimal1, K::kDecimal1, K::kPercent1, K::kDecimal1}};
  for (const auto& u : a.units_behind()) {
    const int64_t gap = u.gap_milli_points();
    units.cells.push_back(
        {u.unit_name(), Wan(u.ytd_yuan()), Wan(u.plan_yuan()), Percent(u.ytd_yuan(), u.plan_yuan()),
         absl::StrCat(gap < 0 ? "-" : "", (gap < 0 ? -gap : gap) / 1000, ".", ((gap < 0 ? -gap : gap) % 1000) / 100)});
  }
  out.push_back(std::move(units));
  Table problems{"逾期问题", {{"问题编号", "项目编号", "类别", "问题", "责任部门", "责任人", "期限"}}};
  for (const auto& p : a.overdue_problems()) {
    problems.cells.push_back({absl::StrCat(p.problem_id()), absl::StrCat(p.project_id()), DisplayNameOf(p.kind()),
                              p.description(), unit_name(p.responsible_unit_id()), p.responsible_person(),
                              p.deadline()});
  }
  out.push_back(std::move(problems));
  Table decisions{"会议决定", {{"项目编号", "决定事项", "落实人", "期限", "记录人"}}};
  for (const auto& d : a.decisions()) {
    decisions.cells.push_back({absl::StrCat(d.project_id()), d.text(), d.owner_name(), d.deadline(), d.recorded_by()});
  }
  out.push_back(std::move(decisions));
  if (a.has_city_forecast()) {
    Table forecast{"全年预计",
                   {{"对象", "已完成(万元)", "预计全年(万元)", "区间下限(万元)", "区间上限(万元)", "目标(万元)",
                     "达成目标", "说明"}},
                   {K::kText, K::kDecimal1, K::kDecimal1, K::kDecimal1, K::kDecimal1, K::kDecimal1}};
    auto row = [&forecast](const ::saima::stats::v1::Forecast& f) {
      forecast.cells.push_back({f.name(), Wan(f.ytd_yuan()), Wan(f.forecast_yuan()), Wan(f.low_yuan()),
                                Wan(f.high_yuan()), f.target_yuan() ? Wan(f.target_yuan()) : "—",
                                DisplayNameOf(f.verdict()), f.summary()});
    };
    row(a.city_forecast());
    for (const auto& f : a.projected_to_miss()) row(f);
    out.push_back(std::move(forecast));
  }
  for (Table& t : out) Title(&t, "月调度议程", a.period(), "万元");
  return out;
}

Table FlagsTable(const ::saima::stats::v1::ListVerificationFlagsResponse& r,
                 const std::map<std::string, std::string>& unit_names) {
  Table t{"核实性审核",
          {{"规则编号", "规则", "单位", "项目编号", "项目名称", "版本", "疑点", "说明", "状态", "排除人", "排除理由"}},
          {K::kText, K::kText, K::kText, K::kText, K::kText, K::kCount}};
  Title(&t, "核实性审核疑点", r.period(), "");
  for (const auto& f : r.flags()) {
    auto name = unit_names.find(f.unit_id());
    t.cells.push_back({f.rule_id(), DisplayNameOf(f.rule()), name == unit_names.end() ? f.unit_id() : name->second,
                       f.project_id() ? absl::StrCat(f.project_id()) : "—", f.project_name(),
                       f.version() ? absl::StrCat(f.version()) : "—", f.evidence(), f.explanation(),
                       f.dismissed() ? "已排除" : "待核实", f.dismissed_by(), f.dismiss_reason()});
  }
  return t;
}

std::vector<Table> QuarterlyTables(const gw::GetQuarterlyAnalysisResponse& q) {
  std::vector<Table> out;
  const auto& m = q.milestone();
  Table start{"新开工率",
              {{"年度", "季度", "计划年内开工项目", "已开工", "开工率", "节点目标", "是否达标"}},
              {K::kText, K::kText, K::kCount, K::kCount, K::kPercent1}};
  start.cells.push_back(
      {absl::StrCat(q.year()), absl::StrCat("第", q.quarter(), "季度"), absl::StrCat(q.new_projects()),
       absl::StrCat(q.new_started()), Percent(q.new_started(), q.new_projects()),
       m.month() ? absl::StrCat(m.month(), "月底前", m.strictly_above() ? ">" : "≥", m.target_percent(), "%") : "—",
       q.milestone_met() ? "达标" : "未达标"});
  out.push_back(std::move(start));
  Table categories{"分类投资",
                   {{"指标", "本年累计(万元)", "上年同期(万元)", "同比增长"}},
                   {K::kText, K::kDecimal1, K::kDecimal1, K::kPercent1}};
  for (const auto& f : q.by_category()) {
    categories.cells.push_back({f.name(), Wan(f.ytd_yuan()), Wan(f.last_ytd_yuan()),
                                Growth(f.ytd_yuan() - f.last_ytd_yuan(), f.last_ytd_yuan())});
  }
  out.push_back(std::move(categories));
  Table units{"分单位",
              {{"单位", "本年累计(万元)", "年度计划(万元)", "完成率"}},
              {K::kText, K::kDecimal1, K::kDecimal1, K::kPercent1}};
  for (const auto& f : q.by_unit()) {
    units.cells.push_back({f.name(), Wan(f.ytd_yuan()), Wan(f.plan_yuan()), Percent(f.ytd_yuan(), f.plan_yuan())});
  }
  out.push_back(std::move(units));
  Table work{"问题与督办", {{"项目", "数量"}}, {K::kText, K::kCount}};
  work.cells.push_back({"新增问题", absl::StrCat(q.problems_opened())});
  work.cells.push_back({"解决问题", absl::StrCat(q.problems_solved())});
  for (const auto& [kind, n] : q.problems_by_kind())
    work.cells.push_back({absl::StrCat("  其中 ", kind), absl::StrCat(n)});
  work.cells.push_back({"下发督办", absl::StrCat(q.orders_issued())});
  work.cells.push_back({"办结督办", absl::StrCat(q.orders_closed())});
  out.push_back(std::move(work));
  for (Table& t : out) Title(&t, absl::StrCat(q.year(), "年第", q.quarter(), "季度分析"), q.period(), "万元");
  return out;
}

std::vector<Table> AnnualTables(const gw::GetAnnualSummaryResponse& s) {
  std::vector<Table> out;
  Table total{"全年",
              {{"年度", "截至", "本年累计(万元)", "上年同期(万元)", "同比增长", "增长目标", "是否完成",
                "年度计划(万元)", "计划完成率"}},
              {K::kText, K::kText, K::kDecimal1, K::kDecimal1, K::kPercent1, K::kPercent1, K::kText, K::kDecimal1,
               K::kPercent1}};
  const auto& t = s.total();
  total.cells.push_back(
      {absl::StrCat(s.year()), s.period(), Wan(t.ytd_yuan()), Wan(t.ytd_last_year_yuan()),
       Growth(t.yoy_growth().numerator(), t.yoy_growth().denominator()),
       absl::StrCat(s.growth_target_milli_percent() / 1000, ".", (s.growth_target_milli_percent() % 1000) / 100, "%"),
       s.growth_target_met() ? "完成" : "未完成", Wan(s.annual_plan_yuan()),
       Percent(t.ytd_yuan(), s.annual_plan_yuan())});
  out.push_back(std::move(total));
  Table units{"各单位",
              {{"单位", "本年累计(万元)", "年度计划(万元)", "完成率", "督办下发", "督办办结", "赛马名次"}},
              {K::kText, K::kDecimal1, K::kDecimal1, K::kPercent1, K::kCount, K::kCount, K::kCount}};
  for (const auto& m : s.months()) units.cells[0].push_back(absl::StrCat(m.substr(5), "月 预警/滞后"));
  for (const auto& u : s.units()) {
    std::vector<std::string> row = {u.unit_name().empty() ? u.unit_id() : u.unit_name(),
                                    Wan(u.ytd_yuan()),
                                    Wan(u.plan_yuan()),
                                    Percent(u.ytd_yuan(), u.plan_yuan()),
                                    absl::StrCat(u.orders_issued()),
                                    absl::StrCat(u.orders_closed()),
                                    u.contest_rank() ? absl::StrCat(u.contest_rank()) : "—"};
    for (int i = 0; i < u.warning_by_month_size(); ++i) {
      row.push_back(absl::StrCat(u.warning_by_month(i), "/", u.lagging_by_month(i)));
    }
    units.cells.push_back(std::move(row));
  }
  out.push_back(std::move(units));
  for (Table& t : out) Title(&t, absl::StrCat(s.year(), "年度总结"), s.period(), "万元");
  return out;
}

}  // namespace saima::gateway
