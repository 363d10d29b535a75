#ifndef SAIMA_SAIMACTL_CONTEST_COMMANDS_H_
#define SAIMA_SAIMACTL_CONTEST_COMMANDS_H_

// saimactl's contest commands (互看互学·互比互评):
//   campaign create FILE.json                     a Campaign in protobuf's JSON mapping
//   campaign list [--year=]
//   campaign judges ID FILE.csv                   评委编号,姓名,职务,所在单位
//   campaign nominate ID 项目代码|项目编号 ...
//   campaign nominations ID
//   campaign review NOMINATION_ID [--reject] [--note=]
//   campaign approve-eligible ID [--note=]         a department's pre-review of every eligible open nomination
//   campaign finalize ID [NOMINATION_ID ...]      without ids: every nomination that passed the pre-review
//   campaign sheets ID FILE.csv [--submit]        评委编号,单位代码, then one column per criterion name
//   campaign compute|publish ID
//   campaign results ID [--csv=FILE] [--xlsx=FILE] [--format=json]
//   lookback --year=YYYY --period=YYYY-MM

#include <string>
#include <vector>

#include "saimactl/cli.h"

namespace saima::ctl {

int Campaign(Client& client, const std::vector<std::string>& words);
int LookBack(Client& client);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_CONTEST_COMMANDS_H_
