#ifndef SAIMA_SAIMACTL_STATS_COMMANDS_H_
#define SAIMA_SAIMACTL_STATS_COMMANDS_H_

// saimactl's statistics commands: imports of 入库 records, plans, monthly figures and peer figures; locking a
// period; the city report.

#include <string>
#include <vector>

#include "saimactl/cli.h"

namespace saima::ctl {

// kind: ruku, plans, monthly, peers.
int ImportStatistics(Client& client, const std::string& kind, const std::string& path);
int LockPeriod(Client& client, const std::string& period);
int PublishPeriod(Client& client, const std::string& period);
// --period, --format=text|json
int CityReport(Client& client);
// report regions --period= [--region=]: the indicators of a locked period by region (GB/T 2260).
int RegionReport(Client& client);
// The year-end forecast of a period (--period): the city, categories, units, key projects projected to miss.
int Forecast(Client& client);
// 核实性审核: `flags list --period=` and `flags dismiss PROJECT_ID|unit:ID RULE --period= --reason=`.
int Flags(Client& client, const std::vector<std::string>& words);
// --period, --scope, --format=text|json
int Indicators(Client& client);
// saimactl ruku apply|step|show|list|missing …
int Ruku(Client& client, const std::vector<std::string>& words);
// 应统尽统 by unit; --as_of=YYYY-MM-DD.
int RukuMissing(Client& client);
// --period, --out=DIR: writes the provincial package as ZIP (CSV + manifest) and XLSX; --stream: the ZIP only,
// received row by row (a package above the gateway's 200,000 rows).
int ProvincialPackage(Client& client);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_STATS_COMMANDS_H_
