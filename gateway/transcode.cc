#include "gateway/transcode.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace saima::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr char kJson[] = "application/json; charset=utf-8";

const FieldDescriptor* FindField(const Descriptor* type, const std::string& name) {
  if (const auto* f = type->FindFieldByName(name)) return f;
  for (int i = 0; i < type->field_count(); ++i) {
    if (type->field(i)->json_name() == name) return type->field(i);
  }
  return nullptr;
}

absl::Status BadParameter(const std::string& parameter, const std::string& rule, const std::string& chinese) {
  return InvalidField(parameter, rule, absl::StrCat("参数 ", parameter, " ", chinese));
}

// A well-known message type written as one JSON string (Timestamp, Duration, FieldMask) or value (wrappers).
bool IsJsonScalarMessage(const Descriptor* type) {
  const std::string& name = type->full_name();
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration" ||
         name == "google.protobuf.FieldMask" ||
         (name.rfind("google.protobuf.", 0) == 0 && name.find("Value") != std::string::npos);
}

absl::Status SetScalar(Message* message, const FieldDescriptor* field, const std::string& text,
                       const std::string& parameter) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  auto bad_number = [&](const char* kind, const char* chinese) {
    return BadParameter(parameter, absl::StrCat("'", text, "' is not ", kind), chinese);
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        std::string bytes;
        if (!absl::Base64Unescape(text, &bytes) && !absl::WebSafeBase64Unescape(text, &bytes)) {
          return BadParameter(parameter, "is not base64", "应为 Base64 编码");
        }
        repeated ? r->AddString(message, field, bytes) : r->SetString(message, field, bytes);
      } else {
        repeated ? r->AddString(message, field, text) : r->SetString(message, field, text);
      }
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad_number("a 64-bit integer", "应为整数(不超过 19 位)");
      repeated ? r->AddInt64(message, field, v) : r->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad_number("a 32-bit integer", "应为整数(不超过 ±2147483647)");
      repeated ? r->AddInt32(message, field, v) : r->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad_number("an unsigned integer", "应为非负整数");
      repeated ? r->AddUInt64(message, field, v) : r->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      if (!absl::SimpleAtoi(text, &v)) return bad_number("an unsigned integer", "应为非负整数");
      repeated ? r->AddUInt32(message, field, v) : r->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (!absl::SimpleAtod(text, &v)) return bad_number("a number", "应为数字");
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(message, field, v) : r->SetDouble(message, field, v);
      } else {
        repeated ? r->AddFloat(message, field, static_cast<float>(v))
                 : r->SetFloat(message, field, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v = false;
      if (text == "true" || text == "1") {
        v = true;
      } else if (text != "false" && text != "0") {
        return BadParameter(parameter, "must be true or false", "应为 true 或 false");
      }
      repeated ? r->AddBool(message, field, v) : r->SetBool(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field->enum_type()->FindValueByName(text);
      int number = 0;
      if (value == nullptr && absl::SimpleAtoi(text, &number)) value = field->enum_type()->FindValueByNumber(number);
      if (value == nullptr) {
        return BadParameter(parameter, absl::StrCat("'", text, "' is not a value of ", field->enum_type()->name()),
                            absl::StrCat("的取值“", text, "”无效"));
      }
      repeated ? r->AddEnumValue(message, field, value->number()) : r->SetEnumValue(message, field, value->number());
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (!IsJsonScalarMessage(field->message_type())) {
        return BadParameter(parameter, "names a message, not a value", "不能直接取值");
      }
      Message* target = repeated ? r->AddMessage(message, field) : r->MutableMessage(message, field);
      const std::string json = field->message_type()->full_name().find("Value") != std::string::npos &&
                                       field->message_type()->full_name() != "google.protobuf.StringValue"
                                   ? text
                                   : nlohmann::json(text).dump();
      if (!google::protobuf::util::JsonStringToMessage(json, target).ok()) {
        return BadParameter(parameter, absl::StrCat("'", text, "' is not a valid ", field->message_type()->name()),
                            "的取值格式不正确");
      }
      return absl::OkStatus();
    }
  }
  return BadParameter(parameter, "cannot be set from the URL", "不能在网址中设置");
}

// Walks to the message holding the last field of `path`, creating sub-messages on the way.
absl::Status Walk(Message* message, const std::string& path, const std::string& parameter, Message** holder,
                  const FieldDescriptor** leaf) {
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const FieldDescriptor* field = FindField(message->GetDescriptor(), part);
    if (field == nullptr) {
      return BadParameter(parameter, absl::StrCat("is not a field of ", message->GetDescriptor()->name()),
                          "不是此接口的参数");
    }
    if (dot == std::string::npos) {
      *holder = message;
      *leaf = field;
      return absl::OkStatus();
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated()) {
      return BadParameter(parameter, "is not a field of the request", "不是此接口的参数");
    }
    message = message->GetReflection()->MutableMessage(message, field);
    start = dot + 1;
  }
}

// The proto field path of a dotted path that may use JSON names ("filter.unitId" → "filter.unit_id").
std::string ProtoPath(const Descriptor* type, const std::string& path) {
  std::string out;
  size_t start = 0;
  while (type != nullptr) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const FieldDescriptor* field = FindField(type, part);
    if (field == nullptr) return path;
    absl::StrAppend(&out, out.empty() ? "" : ".", field->name());
    if (dot == std::string::npos) return out;
    type = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field->message_type() : nullptr;
    start = dot + 1;
  }
  return path;
}

absl::Status ParseJsonInto(const std::string& body, Message* target, const std::string& what) {
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(body, target, options);
  if (!status.ok()) {
    return InvalidField(
        what,
        absl::StrCat("is not a valid ", target->GetDescriptor()->name(), " in JSON: ", std::string(status.message())),
        absl::StrCat("请求体不是合法的 JSON 或字段有误：", std::string(status.message())));
  }
  return absl::OkStatus();
}

}  // namespace

std::string HttpRequest::Header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  return it == headers.end() ? "" : it->second;
}

absl::Status SetFieldFromText(Message* message, const std::string& path, const std::string& text,
                              const std::string& parameter) {
  Message* holder = nullptr;
  const FieldDescriptor* leaf = nullptr;
  if (absl::Status s = Walk(message, path, parameter, &holder, &leaf); !s.ok()) return s;
  return SetScalar(holder, leaf, text, parameter);
}

absl::Status BuildRequest(const Route& route, const std::vector<std::pair<std::string, std::string>>& bindings,
                          const HttpRequest& http, Message* request) {
  const Descriptor* type = request->GetDescriptor();
  // The body.
  const bool has_body = !http.body.empty();
  if (route.body.empty() && has_body) {
    return InvalidField("body", "this route takes no body", "此接口不接受请求体");
  }
  nlohmann::json body_keys;
  if (!route.body.empty()) {
    if (!has_body && route.body != "*") {
      return InvalidField("body", absl::StrCat("must be a JSON ", type->FindFieldByName(route.body)->json_name()),
                          "缺少请求体(JSON)");
    }
    if (has_body) {
      body_keys = nlohmann::json::parse(http.body, nullptr, /*allow_exceptions=*/false);
      if (body_keys.is_discarded()) return InvalidField("body", "is not JSON", "请求体不是合法的 JSON");
      if (route.body == "*") {
        if (absl::Status s = ParseJsonInto(http.body, request, "body"); !s.ok()) return s;
      } else {
        const FieldDescriptor* field = type->FindFieldByName(route.body);
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
          Message* target = request->GetReflection()->MutableMessage(request, field);
          if (absl::Status s = ParseJsonInto(http.body, target, "body"); !s.ok()) return s;
        } else {
          // A scalar or repeated body field: parse {"<field>": body}.
          const std::string wrapped = absl::StrCat("{\"", field->json_name(), "\":", http.body, "}");
          if (absl::Status s = ParseJsonInto(wrapped, request, "body"); !s.ok()) return s;
        }
      }
    }
  }
  // Path variables win over the body.
  std::set<std::string> bound;
  for (const auto& [path, value] : bindings) {
    if (absl::Status s = SetFieldFromText(request, path, value, path); !s.ok()) return s;
    bound.insert(path);
  }
  // Query parameters fill what neither the path nor the body did.
  for (const auto& [name, value] : http.query) {
    const std::string path = ProtoPath(type, name);
    if (route.body == "*") {
      return InvalidField(name, "is not a query parameter of this route (send it in the body)",
                          absl::StrCat("参数 ", name, " 应放在请求体中"));
    }
    if (bound.count(path) > 0 ||
        (!route.body.empty() && (path == route.body || path.rfind(route.body + ".", 0) == 0))) {
      return InvalidField(name, "is already given by the path or the body",
                          absl::StrCat("参数 ", name, " 已由路径或请求体给出"));
    }
    if (absl::Status s = SetFieldFromText(request, path, value, name); !s.ok()) return s;
  }
  // Idempotency-Key.
  const std::string key = http.Header("idempotency-key");
  if (!key.empty()) {
    const FieldDescriptor* request_id = type->FindFieldByName("request_id");
    if (request_id != nullptr && request_id->type() == FieldDescriptor::TYPE_STRING && !request_id->is_repeated()) {
      request->GetReflection()->SetString(request, request_id, key);
    }
  }
  // PATCH without a mask: the fields present in the body.
  if (route.http_method == "PATCH" && !route.body.empty() && route.body != "*" && body_keys.is_object()) {
    const FieldDescriptor* mask = type->FindFieldByName("update_mask");
    const FieldDescriptor* body_field = type->FindFieldByName(route.body);
    if (mask != nullptr && mask->message_type() == google::protobuf::FieldMask::descriptor() &&
        !request->GetReflection()->HasField(*request, mask) &&
        body_field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      auto* field_mask =
          static_cast<google::protobuf::FieldMask*>(request->GetReflection()->MutableMessage(request, mask));
      for (const auto& item : body_keys.items()) {
        const FieldDescriptor* f = FindField(body_field->message_type(), item.key());
        if (f != nullptr) field_mask->add_paths(f->name());
      }
    }
  }
  return absl::OkStatus();
}

void WriteJson(const Message& message, HttpResponse* out) {
  std::string json;
  AppendJson(message, &json);  // protobuf's JSON mapping, defaults included (common/proto_json.h)
  out->status = 200;
  out->content_type = kJson;
  out->body = std::move(json);
}

void WriteResponse(const Route& route, const Message& response, HttpResponse* out) {
  if (route.response_body.empty()) return WriteJson(response, out);
  const FieldDescriptor* field = response.GetDescriptor()->FindFieldByName(route.response_body);
  const Message& part = response.GetReflection()->GetMessage(response, field);
  if (const auto* file = dynamic_cast<const saima::api::v1::File*>(&part)) {
    out->status = 200;
    out->content_type = file->content_type();
    out->body = file->content();
    // RFC 6266 with RFC 5987 for names in Chinese; the ASCII fallback keeps the extension.
    std::string ascii;
    for (char c : file->file_name()) ascii += (static_cast<unsigned char>(c) < 0x80 && c != '"' && c != '\\') ? c : '_';
    std::string encoded;
    for (unsigned char c : file->file_name()) {
      if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
        encoded += static_cast<char>(c);
      } else {
        absl::StrAppend(&encoded, "%", absl::BytesToHexString(std::string(1, static_cast<char>(c))));
      }
    }
    out->headers.emplace_back("Content-Disposition",
                              absl::StrCat("attachment; filename=\"", ascii, "\"; filename*=UTF-8''", encoded));
    return;
  }
  WriteJson(part, out);
}

void WriteError(const absl::Status& status, HttpResponse* out) {
  out->status = HttpStatusOf(status.code());
  out->content_type = kJson;
  out->body = StatusToJson(status);
}

}  // namespace saima::gateway
