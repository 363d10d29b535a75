#ifndef SAIMA_SAIMACTL_ACCOUNT_COMMANDS_H_
#define SAIMA_SAIMACTL_ACCOUNT_COMMANDS_H_

// Signing in and accounts:
//   saimactl login --user=ID          password from SAIMA_PASSWORD or the first line of standard input; prints
//                                     SAIMA_TOKEN=... and SAIMA_REFRESH_TOKEN=... for `eval`/`export`
//   saimactl refresh                  new tokens for SAIMA_REFRESH_TOKEN (the old one is spent)
//   saimactl logout [--user=ID]       ends this session (system administrators: every session of ID)
//   saimactl user create ID --role= [--unit=] --name=   password from SAIMA_PASSWORD or standard input
//   saimactl user list
//   saimactl apikey create --name= --scopes=reports:read,projects:read | list | revoke KEY_ID

#include <string>
#include <vector>

#include "saimactl/cli.h"

namespace saima::ctl {

int Login(Client& client);
int Refresh(Client& client);
int Logout(Client& client);
int Users(Client& client, const std::vector<std::string>& words);
int ApiKeys(Client& client, const std::vector<std::string>& words);

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_ACCOUNT_COMMANDS_H_
