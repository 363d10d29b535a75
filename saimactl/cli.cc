#include "saimactl/cli.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/json_util.h"

ABSL_FLAG(std::string, gateway_grpc, "127.0.0.1:50050", "gateway gRPC address");
ABSL_FLAG(std::string, token, "", "bearer token");
ABSL_FLAG(std::string, gateway_ca, "", "the CA certificate (PEM) of the gateway's TLS certificate, when it has one");
ABSL_FLAG(bool, verbose, false, "also print the developers' English text of an error");

namespace saima::ctl {

Client::Client()
    : channel_(MakePublicChannel(absl::GetFlag(FLAGS_gateway_grpc), absl::GetFlag(FLAGS_gateway_ca))),
      gateway_(gw::GatewayService::NewStub(channel_)),
      registry_(reg::RegistryService::NewStub(channel_)),
      dispatch_(reg::DispatchService::NewStub(channel_)),
      stats_(st::StatsService::NewStub(channel_)),
      scoring_(sc::ScoringService::NewStub(channel_)),
      audit_(saima::audit::v1::AuditService::NewStub(channel_)),
      auth_(saima::auth::v1::AuthService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> Client::Context(std::chrono::seconds timeout) const {
  auto context = CallContext(timeout);
  context->AddMetadata("authorization", "Bearer " + absl::GetFlag(FLAGS_token));
  return context;
}

// Prints an error for an official: the message, then each field that was refused.
int Fail(const absl::Status& status) {
  if (absl::IsUnauthenticated(status) && absl::GetFlag(FLAGS_token).empty()) {
    std::cerr << "错误：未登录。请先运行 saimactl login --user=账号(密码从 SAIMA_PASSWORD 或标准输入读取)，"
                 "再按提示设置 SAIMA_TOKEN\n";
    return 1;
  }
  const auto fields = FieldViolationsOf(status);
  if (fields.empty()) {
    std::cerr << "错误：" << ChineseMessageOf(status) << "\n";
  } else {
    std::cerr << "错误：提交的内容有 " << fields.size() << " 处不符合要求\n";
    for (const auto& f : fields) {
      // A field without a name for officials is not shown: its message says in Chinese what is wrong.
      const std::string column = ColumnOf(f.field);
      std::cerr << "  " << (column.empty() ? "" : column + "：")
                << (f.localized.empty() ? ChineseMessageOf(status) : f.localized) << "\n";
    }
  }
  if (absl::GetFlag(FLAGS_verbose)) std::cerr << "  (" << status.ToString() << ")\n";
  return 1;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat("无法读取文件 ", path));
  // An import file larger than this is refused whole (split it by year or unit).
  constexpr std::streamoff kMaxImportBytes = 64 << 20;
  if (in.tellg() > kMaxImportBytes) {
    return absl::InvalidArgumentError(absl::StrCat("文件 ", path, " 超过 64 MiB 的导入上限; 请按年度或单位拆分"));
  }
  in.seekg(0);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A progress bar on stderr: [#####.....] 50/100, redrawn in place on a terminal; elsewhere (logs, CI) only
// the final line is written.
void Progress(size_t done, size_t total) {
  static const bool terminal = isatty(fileno(stderr));
  if (!terminal && done != total) return;
  const int width = 30;
  const int filled = total == 0 ? width : static_cast<int>(width * done / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu", std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
               done, total);
  if (done == total) std::fprintf(stderr, "\n");
}

// Tells the official that a call is retried: in Chinese, without the status code's name.
void Client::NoteRetry(const absl::Status& status, int delay_ms) {
  ++retries_;
  std::cerr << (status.code() == absl::StatusCode::kDeadlineExceeded ? "网关响应超时" : "网关暂不可用") << ", "
            << delay_ms << " 毫秒后重试\n";
}

bool Client::Paced(absl::Duration delay) {
  if (paced_ >= absl::Minutes(10)) return false;
  if (paced_ == absl::ZeroDuration()) std::cerr << "请求较多，按网关的要求放慢速度……\n";
  const absl::Duration wait = std::clamp(delay, absl::Milliseconds(100), absl::Seconds(5));
  absl::SleepFor(wait);
  paced_ += wait;
  return true;
}

int PrintJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  std::cout << json;
  return 0;
}

std::string ColumnOf(const std::string& field) {
  static const std::map<std::string, std::string> columns = {
      {"project.project_code", "项目代码"},
      {"project.name", "项目名称"},
      {"project.unit_id", "单位代码"},
      {"project.industry_code", "行业代码"},
      {"project.construction_nature", "建设性质"},
      {"project.ownership", "控股情况"},
      {"project.tiers", "项目层级"},
      {"project.stage", "项目阶段"},
      {"project.planning_year", "谋划年度"},
      {"project.planned_total_investment_yuan", "计划总投资(元)"},
      {"project.planned_start_date", "计划开工日期"},
      {"project.actual_start_date", "实际开工日期"},
      {"project.planned_completion_date", "计划竣工日期"},
      {"project.actual_completion_date", "实际竣工日期"},
      {"project.region_code", "行政区划代码"},
      {"project.withdrawal_reason", "退出原因"},
      {"unit.unit_id", "单位代码"},
      {"unit.name", "单位名称"},
      {"unit.type", "单位类型"},
      {"unit.region_code", "行政区划代码"},
      {"period", "报告期"},
      {"region", "地区"},
      {"version", "版本"},
      {"year", "年度"},
      {"quarter", "季度"},
      {"reason", "原因"}};
  auto it = columns.find(field);
  return it == columns.end() ? "" : it->second;
}

}  // namespace saima::ctl
