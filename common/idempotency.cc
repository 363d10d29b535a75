#include "common/idempotency.h"

#include "absl/strings/str_cat.h"
#include "common/digest.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace saima {
namespace {

const google::protobuf::FieldDescriptor* KeyField(const google::protobuf::Message& request) {
  const auto* field = request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return nullptr;
  }
  return field;
}

}  // namespace

absl::StatusOr<std::string> ScopedRequestId(const Caller& caller, const google::protobuf::Message& request) {
  const auto* field = KeyField(request);
  if (field == nullptr) return absl::InternalError("the request has no request_id");
  const std::string key = request.GetReflection()->GetString(request, field);
  if (!IsValidRequestId(key)) {
    return InvalidField("request_id", "must be 1 to 64 characters of A-Z a-z 0-9 - _ . :",
                        "幂等键(Idempotency-Key)应为 1 至 64 个字母、数字或 - _ . : 字符");
  }
  // The content without the key, serialized deterministically (map order fixed).
  std::unique_ptr<google::protobuf::Message> content(request.New());
  content->CopyFrom(request);
  content->GetReflection()->ClearField(content.get(), field);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    content->SerializeToCodedStream(&out);
  }
  // Length-prefixed parts: no two different (caller, type, key, content) give the same text.
  std::string text;
  for (const std::string& part : {caller.user_id, caller.role, request.GetDescriptor()->full_name(), key, bytes}) {
    absl::StrAppend(&text, part.size(), ":", part);
  }
  return absl::StrCat("k1:", Sha256Hex(text));
}

absl::Status ScopeRequestId(const Caller& caller, google::protobuf::Message* request) {
  const auto* field = KeyField(*request);
  if (field == nullptr || request->GetReflection()->GetString(*request, field).empty()) return absl::OkStatus();
  auto scoped = ScopedRequestId(caller, *request);
  if (!scoped.ok()) return scoped.status();
  request->GetReflection()->SetString(request, field, *std::move(scoped));
  return absl::OkStatus();
}

}  // namespace saima
