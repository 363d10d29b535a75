#include "services/stats/report_rules.h"

#include "absl/strings/str_cat.h"
#include "common/money.h"
#include "common/period.h"
#include "common/text.h"

namespace saima::stats {

void CheckReport(const pb::MonthlyReport& r, const ReportContext& context, const std::string& prefix, Violations& v) {
  auto field = [&prefix](const char* name) { return absl::StrCat(prefix, ".", name); };
  if (r.project_id() <= 0) v.Add(field("project_id"), "is required", "项目必填");
  CheckPeriod(r.period(), field("period"), v);
  const auto& b = r.ytd_breakdown();
  struct Amount {
    const char* name;
    const char* label;
    int64_t value;
  };
  for (const Amount& a :
       {Amount{"month_yuan", "本月完成投资", r.month_yuan()}, Amount{"ytd_yuan", "自年初累计", r.ytd_yuan()},
        Amount{"ytd_breakdown.construction_yuan", "建筑工程", b.construction_yuan()},
        Amount{"ytd_breakdown.installation_yuan", "安装工程", b.installation_yuan()},
        Amount{"ytd_breakdown.equipment_yuan", "设备工器具购置", b.equipment_yuan()},
        Amount{"ytd_breakdown.other_yuan", "其他费用", b.other_yuan()},
        Amount{"since_start_yuan", "自开始建设累计", r.since_start_yuan()}}) {
    if (!IsValidAmount(a.value)) {
      v.Add(field(a.name), "must be between 0 and 10^14 元", absl::StrCat(a.label, "应在 0 至 100 万亿元之间"));
    }
  }
  size_t characters = 0;
  for (size_t i = 0; i < r.explanation().size(); i += CodePointAt(r.explanation(), i).length) ++characters;
  if (characters > 500) v.Add(field("explanation"), "must be at most 500 characters", "说明不能超过 500 个字");
  if (!v.ok()) return;
  // Every amount is at most 10^14, so these sums cannot overflow; they are checked all the same.
  int64_t parts = 0;
  const bool fits = CheckedAdd(b.construction_yuan(), b.installation_yuan(), &parts) &&
                    CheckedAdd(parts, b.equipment_yuan(), &parts) && CheckedAdd(parts, b.other_yuan(), &parts);
  if (!fits || parts != r.ytd_yuan()) {
    v.Add(field("ytd_yuan"), "年初累计 must equal 建筑 + 安装 + 设备工器具 + 其他",
          "自年初累计应等于建筑工程 + 安装工程 + 设备工器具购置 + 其他费用");
  }
  if (context.previous_ytd.has_value()) {
    int64_t expected = 0;
    if (!CheckedAdd(*context.previous_ytd, r.month_yuan(), &expected) || expected != r.ytd_yuan()) {
      v.Add(field("ytd_yuan"), absl::StrCat("年初累计 must equal 上月年初累计 (", *context.previous_ytd, ") + 本月"),
            absl::StrCat("自年初累计应等于上月自年初累计(", *context.previous_ytd, " 元) + 本月完成投资"));
    }
  } else if (r.ytd_yuan() < r.month_yuan()) {
    v.Add(field("ytd_yuan"), "年初累计 must not be less than 本月", "自年初累计不能小于本月完成投资");
  }
  CheckSinceStart(r.since_start_yuan(), r.ytd_yuan(), context.last_december_since_start, prefix, v);
}

void CheckSinceStart(int64_t since_start, int64_t ytd, const std::optional<int64_t>& last_december_since_start,
                     const std::string& prefix, Violations& v) {
  const std::string field = absl::StrCat(prefix, ".since_start_yuan");
  if (last_december_since_start.has_value()) {
    int64_t expected = 0;
    if (!CheckedAdd(*last_december_since_start, ytd, &expected) || expected != since_start) {
      v.Add(
          field,
          absl::StrCat("自开始建设累计 must equal 上年末自开始建设累计 (", *last_december_since_start, ") + 年初累计"),
          absl::StrCat("自开始建设累计应等于上年末自开始建设累计(", *last_december_since_start, " 元) + 自年初累计"));
    }
  } else if (since_start < ytd) {
    v.Add(field, "自开始建设累计 must not be less than 年初累计", "自开始建设累计不能小于自年初累计");
  }
}

bool SameFigures(const pb::MonthlyReport& a, const pb::MonthlyReport& b) {
  return a.project_id() == b.project_id() && a.period() == b.period() && a.month_yuan() == b.month_yuan() &&
         a.ytd_yuan() == b.ytd_yuan() && a.since_start_yuan() == b.since_start_yuan() &&
         a.explanation() == b.explanation() &&
         a.ytd_breakdown().SerializeAsString() == b.ytd_breakdown().SerializeAsString();
}

}  // namespace saima::stats
