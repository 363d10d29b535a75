#include "common/status.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace saima {
namespace {

constexpr char kTypeUrlPrefix[] = "type.googleapis.com/";
constexpr char kLocale[] = "zh-CN";

std::string BadRequestTypeUrl() { return kTypeUrlPrefix + google::rpc::BadRequest::descriptor()->full_name(); }
std::string LocalizedTypeUrl() { return kTypeUrlPrefix + google::rpc::LocalizedMessage::descriptor()->full_name(); }

// What a person reads when an error carries no message of its own.
const char* GeneralChinese(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return "提交的内容不符合要求";
    case absl::StatusCode::kUnauthenticated:
      return "未登录或登录已失效，请重新登录";
    case absl::StatusCode::kPermissionDenied:
      return "您无权执行此操作";
    case absl::StatusCode::kNotFound:
      return "要找的内容不存在";
    case absl::StatusCode::kAlreadyExists:
      return "该内容已存在";
    case absl::StatusCode::kAborted:
      return "数据已被他人修改，请刷新后重试";
    case absl::StatusCode::kFailedPrecondition:
      return "当前状态下不能执行此操作";
    case absl::StatusCode::kResourceExhausted:
      return "请求过于频繁或过大，请稍后重试";
    case absl::StatusCode::kUnavailable:
      return "系统暂时不可用，请稍后重试";
    case absl::StatusCode::kDeadlineExceeded:
      return "系统响应超时，请稍后重试";
    case absl::StatusCode::kCancelled:
      return "请求已取消";
    case absl::StatusCode::kUnimplemented:
      return "系统不提供此操作";
    default:
      return "系统内部错误，请联系管理员";
  }
}

// The status with a LocalizedMessage for people, added when it had none.
absl::Status WithChinese(absl::Status status) {
  if (status.ok() || HasLocalizedMessage(status)) return status;
  const char* chinese = GeneralChinese(status.code());  // before `status` is moved from
  return Localized(std::move(status), chinese);
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc;
  rpc.set_code(static_cast<int>(status.code()));
  rpc.set_message(std::string(status.message()));
  // In a fixed order, the field violations first, whatever order the payloads were added in.
  std::vector<std::pair<std::string, std::string>> details;
  status.ForEachPayload([&details](absl::string_view type_url, const absl::Cord& payload) {
    details.emplace_back(std::string(type_url), std::string(payload));
  });
  std::stable_sort(details.begin(), details.end(), [](const auto& a, const auto& b) {
    return (a.first == BadRequestTypeUrl()) > (b.first == BadRequestTypeUrl());
  });
  for (auto& [type_url, value] : details) {
    auto* any = rpc.add_details();
    any->set_type_url(std::move(type_url));
    any->set_value(std::move(value));
  }
  return rpc;
}

}  // namespace

void Violations::Add(std::string field, std::string rule, std::string chinese) {
  items_.push_back({std::move(field), std::move(rule), std::move(chinese)});
}

absl::Status Violations::ToStatus() const {
  if (items_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  std::string message = "invalid request:";
  std::string chinese;
  for (const FieldViolation& item : items_) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(item.field);
    violation->set_description(item.description);
    violation->mutable_localized_message()->set_locale(kLocale);
    violation->mutable_localized_message()->set_message(item.localized);
    absl::StrAppend(&message, " ", item.field, ": ", item.description, ";");
    absl::StrAppend(&chinese, chinese.empty() ? "" : "；", item.localized);
  }
  message.pop_back();
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(BadRequestTypeUrl(), absl::Cord(bad_request.SerializeAsString()));
  return Localized(std::move(status), chinese);
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(BadRequestTypeUrl());
  if (!payload) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) {
    out.push_back({v.field(), v.description(), v.localized_message().message()});
  }
  return out;
}

absl::Status InvalidField(const std::string& field, const std::string& rule, const std::string& chinese) {
  Violations v;
  v.Add(field, rule, chinese);
  return v.ToStatus();
}

absl::Status Localized(absl::Status status, const std::string& chinese) {
  if (status.ok()) return status;
  google::rpc::LocalizedMessage localized;
  localized.set_locale(kLocale);
  localized.set_message(chinese);
  status.SetPayload(LocalizedTypeUrl(), absl::Cord(localized.SerializeAsString()));
  return status;
}

absl::Status WithRetryAfter(absl::Status status, absl::Duration delay) {
  if (status.ok()) return status;
  google::rpc::RetryInfo info;
  info.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  info.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay - absl::Seconds(absl::ToInt64Seconds(delay)))));
  status.SetPayload(kTypeUrlPrefix + google::rpc::RetryInfo::descriptor()->full_name(),
                    absl::Cord(info.SerializeAsString()));
  return status;
}

std::optional<absl::Duration> RetryAfterOf(const absl::Status& status) {
  auto payload = status.GetPayload(kTypeUrlPrefix + google::rpc::RetryInfo::descriptor()->full_name());
  google::rpc::RetryInfo info;
  if (!payload.has_value() || !info.ParseFromString(std::string(*payload))) return std::nullopt;
  return absl::Seconds(info.retry_delay().seconds()) + absl::Nanoseconds(info.retry_delay().nanos());
}

absl::Status Error(absl::StatusCode code, const std::string& english, const std::string& chinese) {
  return Localized(absl::Status(code, english), chinese);
}

bool HasLocalizedMessage(const absl::Status& status) { return status.GetPayload(LocalizedTypeUrl()).has_value(); }

std::string ChineseMessageOf(const absl::Status& status) {
  if (auto payload = status.GetPayload(LocalizedTypeUrl())) {
    google::rpc::LocalizedMessage localized;
    if (localized.ParseFromString(std::string(*payload)) && !localized.message().empty()) return localized.message();
  }
  return status.ok() ? "" : GeneralChinese(status.code());
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const absl::Status full = WithChinese(status);
  return grpc::Status(static_cast<grpc::StatusCode>(full.code()), std::string(full.message()),
                      ToRpcStatus(full).SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rpc;
  if (!status.error_details().empty() && rpc.ParseFromString(status.error_details())) {
    for (const auto& any : rpc.details()) out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string StatusToJson(const absl::Status& status) {
  const absl::Status full = WithChinese(status);
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  if (!google::protobuf::util::MessageToJsonString(ToRpcStatus(full), &json, options).ok()) {
    // Only an unknown Any type can fail here; fall back to code, message and the Chinese text.
    google::rpc::Status bare;
    bare.set_code(static_cast<int>(full.code()));
    bare.set_message(std::string(full.message()));
    google::rpc::LocalizedMessage localized;
    localized.set_locale(kLocale);
    localized.set_message(ChineseMessageOf(full));
    bare.add_details()->PackFrom(localized);
    json.clear();
    (void)google::protobuf::util::MessageToJsonString(bare, &json, options);
  }
  return json;
}

}  // namespace saima
