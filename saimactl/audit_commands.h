#ifndef SAIMA_SAIMACTL_AUDIT_COMMANDS_H_
#define SAIMA_SAIMACTL_AUDIT_COMMANDS_H_

// saimactl audit verify [--service=]            checks the hash chains; names the first broken entry
// saimactl audit show --service= [--table=] [--match='{"project_id":"1","period":"2023-05"}'] [--actor=]
//                                              who changed what, and what it was before (newest first)

#include <string>
#include <vector>

#include "saimactl/cli.h"

namespace saima::ctl {

int Audit(Client& client, const std::vector<std::string>& words);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_AUDIT_COMMANDS_H_
