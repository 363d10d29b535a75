#include "services/stats/report_rules.h"

#include "absl/strings/str_cat.h"
#include "services/stats/period.h"

namespace saima::stats {

std::vector<std::string> CheckReport(const pb::MonthlyReport& r, const ReportContext& context,
                                     const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  std::vector<std::string> warnings;
  if (r.project_id() <= 0) v.Add(field("project_id"), "is required");
  if (!Period::Parse(r.period())) v.Add(field("period"), "must be YYYY-MM with MM from 02 to 12");
  const auto& b = r.ytd_breakdown();
  for (const auto& [name, value] :
       {std::pair{"month_yuan", r.month_yuan()}, std::pair{"ytd_yuan", r.ytd_yuan()},
        std::pair{"ytd_breakdown.construction_yuan", b.construction_yuan()},
        std::pair{"ytd_breakdown.installation_yuan", b.installation_yuan()},
        std::pair{"ytd_breakdown.equipment_yuan", b.equipment_yuan()},
        std::pair{"ytd_breakdown.other_yuan", b.other_yuan()}, std::pair{"since_start_yuan", r.since_start_yuan()}}) {
    if (value < 0) v.Add(field(name), "must not be negative");
  }
  if (!v.ok()) return warnings;
  if (b.construction_yuan() + b.installation_yuan() + b.equipment_yuan() + b.other_yuan() != r.ytd_yuan()) {
    v.Add(field("ytd_yuan"), "年初累计 must equal 建筑 + 安装 + 设备工器具 + 其他");
  }
  if (context.previous_ytd.has_value()) {
    if (*context.previous_ytd + r.month_yuan() != r.ytd_yuan()) {
      v.Add(field("ytd_yuan"), absl::StrCat("年初累计 must equal 上月年初累计 (", *context.previous_ytd, ") + 本月"));
    }
  } else if (r.ytd_yuan() < r.month_yuan()) {
    v.Add(field("ytd_yuan"), "年初累计 must not be less than 本月");
  }
  if (context.last_december_since_start.has_value()) {
    if (*context.last_december_since_start + r.ytd_yuan() != r.since_start_yuan()) {
      v.Add(field("since_start_yuan"), absl::StrCat("自开始建设累计 must equal 上年末自开始建设累计 (",
                                                    *context.last_december_since_start, ") + 年初累计"));
    }
  } else if (r.since_start_yuan() < r.ytd_yuan()) {
    v.Add(field("since_start_yuan"), "自开始建设累计 must not be less than 年初累计");
  }
  if (context.planned_total_yuan > 0 && r.since_start_yuan() > context.planned_total_yuan) {
    warnings.push_back(absl::StrCat("自开始建设累计 (", r.since_start_yuan(), ") exceeds 计划总投资 (",
                                    context.planned_total_yuan, ")"));
  }
  return warnings;
}

bool SameFigures(const pb::MonthlyReport& a, const pb::MonthlyReport& b) {
  return a.project_id() == b.project_id() && a.period() == b.period() && a.month_yuan() == b.month_yuan() &&
         a.ytd_yuan() == b.ytd_yuan() && a.since_start_yuan() == b.since_start_yuan() &&
         a.ytd_breakdown().SerializeAsString() == b.ytd_breakdown().SerializeAsString();
}

}  // namespace saima::stats
