#ifndef SAIMA_GATEWAY_DISPATCH_EXPORT_H_
#define SAIMA_GATEWAY_DISPATCH_EXPORT_H_

// The 月调度 agenda, the 季分析 and the 年总结 as the tables officials read (Chinese headers, one sheet each);
// shared by the HTTP downloads and saimactl.

#include <map>
#include <string>
#include <vector>

#include "gateway/spreadsheet.h"
#include "saima/gateway/v1/gateway.pb.h"

namespace saima::gateway {

std::vector<Table> AgendaTables(const ::saima::gateway::v1::GetDispatchAgendaResponse& agenda);
std::vector<Table> QuarterlyTables(const ::saima::gateway::v1::GetQuarterlyAnalysisResponse& analysis);
std::vector<Table> AnnualTables(const ::saima::gateway::v1::GetAnnualSummaryResponse& summary);
// The 核实性审核 flags of a period, one row per flag.
// `unit_names`: unit id → name, for the 单位 column.
Table FlagsTable(const ::saima::stats::v1::ListVerificationFlagsResponse& flags,
                 const std::map<std::string, std::string>& unit_names);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_DISPATCH_EXPORT_H_
