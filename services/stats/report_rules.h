#ifndef SAIMA_SERVICES_STATS_REPORT_RULES_H_
#define SAIMA_SERVICES_STATS_REPORT_RULES_H_

// The checks of a monthly report (DOMAIN.md §3), free of gRPC and SQL.

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "saima/stats/v1/stats.pb.h"
#include "services/stats/verification_rules.h"

namespace saima::stats {

namespace pb = ::saima::stats::v1;

// What a report is checked against.
struct ReportContext {
  // 自年初累计 of the previous period of the same year, when reported.
  std::optional<int64_t> previous_ytd;
  // 自开始建设累计 of December last year, when reported.
  std::optional<int64_t> last_december_since_start;
  // What the 核实性审核 rules read (stage, 计划总投资, earlier months).
  FigureContext figure;
};

// Checks the figures of a report; field names are prefixed with `prefix` (e.g. "report"). Violations for
// broken arithmetic name the rule: 年初累计 = 上月年初累计 + 本月, = 建筑 + 安装 + 设备 + 其他, and
// 自开始建设累计 = 上年末自开始建设累计 + 年初累计. The 说明 is at most 500 characters.
void CheckReport(const pb::MonthlyReport& report, const ReportContext& context, const std::string& prefix,
                 Violations& v);

// The 自开始建设累计 rule alone (CheckReport applies it): = 上年末 + 自年初累计 when last December is known, else not
// less than 自年初累计. An import checks it again when last December's row comes later in the file.
void CheckSinceStart(int64_t since_start, int64_t ytd, const std::optional<int64_t>& last_december_since_start,
                     const std::string& prefix, Violations& v);

// True when two reports carry the same figures and 说明 (a resubmission to be recorded once).
bool SameFigures(const pb::MonthlyReport& a, const pb::MonthlyReport& b);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_REPORT_RULES_H_
