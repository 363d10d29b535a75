#ifndef SAIMA_SAIMACTL_DISPATCH_COMMANDS_H_
#define SAIMA_SAIMACTL_DISPATCH_COMMANDS_H_

// saimactl's 月调度 commands:
//   dispatch load FILE.json          problems, orders and decisions keyed by 项目代码 (see tools/demo/generate.py)
//   dispatch escalate [--as_of=]     escalates orders whose timetable dates passed
//   dispatch agenda --period= [--out=DIR]             the monthly dispatch agenda (printed; XLSX into DIR)
//   analysis quarterly --year= --quarter= [--out=DIR] 季分析
//   analysis annual --year= [--period=] [--out=DIR]   年总结

#include <string>
#include <vector>

#include "saimactl/cli.h"

namespace saima::ctl {

int Dispatch(Client& client, const std::vector<std::string>& words);
int Analysis(Client& client, const std::vector<std::string>& words);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_DISPATCH_COMMANDS_H_
