#include "gateway/openapi.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/names.h"
#include "common/policy.h"
#include "common/proto_json.h"
#include "google/protobuf/descriptor.pb.h"

namespace saima::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using nlohmann::json;

std::string SchemaName(const std::string& full_name) { return full_name; }
std::string RefOf(const std::string& full_name) { return "#/components/schemas/" + SchemaName(full_name); }

// A comment as a description: the lines joined, leading blanks and the trailing newline dropped.
std::string Clean(const std::string& comment) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (!line.empty()) lines.emplace_back(line);
  }
  return absl::StrJoin(lines, " ");
}

class Generator {
 public:
  explicit Generator(const DescriptorPool* comments) : comments_(comments) {}

  // The comment of a descriptor, found by its full name in the commented pool.
  template <typename D>
  std::string Comment(const D* d) const {
    if (comments_ == nullptr || d == nullptr) return "";
    google::protobuf::SourceLocation location;
    const D* commented = Find(d);
    if (commented == nullptr || !commented->GetSourceLocation(&location)) return "";
    std::string text = Clean(location.leading_comments);
    const std::string trailing = Clean(location.trailing_comments);
    if (!trailing.empty()) text = text.empty() ? trailing : absl::StrCat(text, " ", trailing);
    return text;
  }

  json FieldSchema(const FieldDescriptor* field) {
    if (field->is_map()) {
      json map = {{"type", "object"}, {"additionalProperties", ValueSchema(field->message_type()->map_value())}};
      return Describe(map, field);
    }
    json item = ValueSchema(field);
    if (field->is_repeated()) return Describe(json{{"type", "array"}, {"items", item}}, field);
    return Describe(item, field);
  }

  // The schema of one value of a field (an element, for repeated ones).
  json ValueSchema(const FieldDescriptor* field) {
    switch (field->type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        // protobuf's JSON mapping writes 64-bit integers as strings (and reads both).
        return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM:
        return {{"$ref", RefOf(AddEnum(field->enum_type()))}};
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return MessageSchema(field->message_type());
    }
    return json::object();
  }

  json MessageSchema(const Descriptor* type) {
    const std::string& name = type->full_name();
    if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (name == "google.protobuf.Duration") return {{"type", "string"}, {"example", "1.5s"}};
    if (name == "google.protobuf.FieldMask") return {{"type", "string"}, {"example", "name,stage"}};
    if (name == "google.protobuf.Struct") return {{"type", "object"}};
    if (name == "google.protobuf.Any") {
      return {{"type", "object"}, {"properties", {{"@type", {{"type", "string"}}}}}, {"additionalProperties", true}};
    }
    return {{"$ref", RefOf(AddMessage(type))}};
  }

  std::string AddMessage(const Descriptor* type) {
    const std::string name = SchemaName(type->full_name());
    if (schemas_.contains(name) || in_progress_.count(name) > 0) return name;
    in_progress_.insert(name);
    json schema = {{"type", "object"}, {"properties", json::object()}};
    if (const std::string text = Comment(type); !text.empty()) schema["description"] = text;
    for (int i = 0; i < type->field_count(); ++i) {
      schema["properties"][type->field(i)->json_name()] = FieldSchema(type->field(i));
    }
    schemas_[name] = std::move(schema);
    in_progress_.erase(name);
    return name;
  }

  std::string AddEnum(const EnumDescriptor* type) {
    const std::string name = SchemaName(type->full_name());
    if (schemas_.contains(name)) return name;
    json values = json::array();
    json names = json::object();
    std::vector<std::string> lines;
    for (int i = 0; i < type->value_count(); ++i) {
      const auto* value = type->value(i);
      values.push_back(value->name());
      names[value->name()] = DisplayName(value);
      lines.push_back(absl::StrCat("`", value->name(), "` ", DisplayName(value)));
    }
    std::string description = Comment(type);
    absl::StrAppend(&description, description.empty() ? "" : " ", "取值：", absl::StrJoin(lines, "；"));
    schemas_[name] = {
        {"type", "string"}, {"enum", values}, {"description", description}, {"x-enum-display-names", names}};
    return name;
  }

  // Query parameters: every scalar (or repeated scalar) leaf of `type` not in `bound` (proto paths), named by
  // its dotted JSON path.
  void QueryParameters(const Descriptor* type, const std::string& json_prefix, const std::string& proto_prefix,
                       const std::set<std::string>& bound, int depth, json& out) {
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* f = type->field(i);
      const std::string proto_path = proto_prefix.empty() ? f->name() : absl::StrCat(proto_prefix, ".", f->name());
      if (bound.count(proto_path) > 0) continue;
      const std::string name = json_prefix.empty() ? f->json_name() : absl::StrCat(json_prefix, ".", f->json_name());
      if (f->is_map()) continue;
      if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
        const std::string& wkt = f->message_type()->full_name();
        if (wkt == "google.protobuf.Timestamp" || wkt == "google.protobuf.FieldMask") {
          out.push_back(Parameter(name, "query", false, ValueSchema(f), Comment(f)));
        } else if (!f->is_repeated() && depth < 3) {
          QueryParameters(f->message_type(), name, proto_path, bound, depth + 1, out);
        }
        continue;
      }
      json schema = f->is_repeated() ? json{{"type", "array"}, {"items", ValueSchema(f)}} : ValueSchema(f);
      out.push_back(Parameter(name, "query", false, schema, Comment(f)));
    }
  }

  static json Parameter(const std::string& name, const char* in, bool required, json schema,
                        const std::string& description) {
    json p = {{"name", name}, {"in", in}, {"required", required}, {"schema", std::move(schema)}};
    if (!description.empty()) p["description"] = description;
    return p;
  }

  json TakeSchemas() { return std::move(schemas_); }

 private:
  json Describe(json schema, const FieldDescriptor* field) {
    const std::string text = Comment(field);
    if (text.empty()) return schema;
    if (schema.contains("$ref")) return {{"allOf", json::array({schema})}, {"description", text}};
    schema["description"] = text;
    return schema;
  }

  const Descriptor* Find(const Descriptor* d) const { return comments_->FindMessageTypeByName(d->full_name()); }
  const EnumDescriptor* Find(const EnumDescriptor* d) const { return comments_->FindEnumTypeByName(d->full_name()); }
  const MethodDescriptor* Find(const MethodDescriptor* d) const { return comments_->FindMethodByName(d->full_name()); }
  const google::protobuf::ServiceDescriptor* Find(const google::protobuf::ServiceDescriptor* d) const {
    return comments_->FindServiceByName(d->full_name());
  }
  const FieldDescriptor* Find(const FieldDescriptor* d) const {
    const Descriptor* owner = comments_->FindMessageTypeByName(d->containing_type()->full_name());
    return owner == nullptr ? nullptr : owner->FindFieldByName(d->name());
  }

  const DescriptorPool* comments_;
  json schemas_ = json::object();
  std::set<std::string> in_progress_;
};

std::string Lower(std::string method) { return absl::AsciiStrToLower(method); }

// The comment's first sentence (up to "。", "；", ". " or ": "), at most about 120 bytes, cut on a whole character.
std::string FirstSentence(const std::string& comment) {
  size_t end = comment.size();
  for (const char* stop : {"。", "；", ". ", ": ", "; "}) end = std::min(end, comment.find(stop));
  std::string out = comment.substr(0, end);
  if (!out.empty() && out.back() == '.') out.pop_back();
  if (out.size() > 120) {
    size_t cut = 117;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
    out = out.substr(0, cut) + "…";
  }
  return out;
}

// The path as OpenAPI writes it: each variable named by its field's JSON name ({project_id} and
// {milestone.project_id} are both {projectId}, so that bindings of the same shape share one path item).
std::string OpenApiPath(const Route& route, std::map<std::string, std::string>* names) {
  std::string path = route.path.OpenApiPath();
  for (const std::string& variable : route.path.variables()) {
    const std::string leaf = variable.substr(variable.rfind('.') == std::string::npos ? 0 : variable.rfind('.') + 1);
    const std::string camel = LowerCamel(leaf);
    (*names)[variable] = camel;
    const std::string from = absl::StrCat("{", variable, "}");
    path.replace(path.find(from), from.size(), absl::StrCat("{", camel, "}"));
  }
  return path;
}

const FieldDescriptor* FieldAt(const Descriptor* type, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (type == nullptr) return nullptr;
    field = type->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    type = field->message_type();
  }
  return field;
}

json ErrorResponse(const char* description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/google.rpc.Status"}}}}}}}};
}

std::string AccessText(const Rpc& rpc) {
  if (rpc.access.anonymous()) return "无需登录。";
  if (rpc.access.signed_in()) return "任何已登录的用户或 API 密钥。";
  std::vector<std::string> actions;
  for (Action a : rpc.actions) actions.push_back(absl::StrCat(ActionName(a), "(", Action_Name(a), ")"));
  return absl::StrCat("需要以下权限之一：", absl::StrJoin(actions, "、"),
                      "；各角色的权限范围见授权表(本人、本单位、本部门主管行业或全部)。");
}

}  // namespace

absl::StatusOr<json> OpenApiDocument(const RouteTable& routes, const std::string& commented_descriptor_set,
                                     const std::string& version) {
  DescriptorPool commented;
  const DescriptorPool* comments = nullptr;
  if (!commented_descriptor_set.empty()) {
    google::protobuf::FileDescriptorSet set;
    if (!set.ParseFromString(commented_descriptor_set)) {
      return absl::InvalidArgumentError("the descriptor set does not parse");
    }
    for (const auto& file : set.file()) {
      if (commented.BuildFile(file) == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("cannot build ", file.name(), " from the descriptor set"));
      }
    }
    comments = &commented;
  }
  Generator gen(comments);
  json paths = json::object();
  json tags = json::array();
  std::set<std::string> tagged;
  std::set<std::string> operation_ids;
  for (const Route& route : routes.routes()) {
    const Rpc& rpc = *route.rpc;
    const auto* service = rpc.method->service();
    const std::string title = service->options().GetExtension(saima::api::v1::title);
    const std::string tag = title.empty() ? service->name() : absl::StrCat(title, " ", service->name());
    if (tagged.insert(tag).second) {
      json t = {{"name", tag}};
      if (const std::string text = gen.Comment(service); !text.empty()) t["description"] = text;
      tags.push_back(t);
    }
    std::map<std::string, std::string> names;
    const std::string path = OpenApiPath(route, &names);
    const std::string comment = gen.Comment(rpc.method);
    std::string summary = FirstSentence(comment);
    if (summary.empty()) summary = rpc.method->name();
    std::string operation_id = absl::StrCat(service->name(), "_", rpc.method->name());
    while (!operation_ids.insert(operation_id).second) absl::StrAppend(&operation_id, "_", Lower(route.http_method));
    json op = {
        {"operationId", operation_id},
        {"summary", summary},
        {"description", absl::StrCat(comment, comment.empty() ? "" : "\n\n", "调用权限：", AccessText(rpc),
                                     "\n\ngRPC：`", rpc.grpc_path, "`")},
        {"tags", json::array({tag})},
        {"x-saima-access", {{"kind", AccessKind(rpc.access)}, {"actions", json::array()}, {"grpc", rpc.grpc_path}}}};
    for (Action a : rpc.actions) op["x-saima-access"]["actions"].push_back(Action_Name(a));
    if (rpc.access.anonymous()) op["security"] = json::array();
    const Descriptor* input = rpc.method->input_type();
    json parameters = json::array();
    std::set<std::string> bound;
    for (const std::string& variable : route.path.variables()) {
      bound.insert(variable);
      const FieldDescriptor* field = FieldAt(input, variable);
      parameters.push_back(Generator::Parameter(
          names[variable], "path", true, gen.ValueSchema(field),
          absl::StrCat(gen.Comment(field), gen.Comment(field).empty() ? "" : " ", "(请求字段 ", variable, ")")));
    }
    if (route.body.empty()) {
      gen.QueryParameters(input, "", "", bound, 0, parameters);
    } else if (route.body != "*") {
      bound.insert(route.body);
      gen.QueryParameters(input, "", "", bound, 0, parameters);
    }
    if (input->FindFieldByName("request_id") != nullptr) {
      parameters.push_back(Generator::Parameter(
          "Idempotency-Key", "header", false, {{"type", "string"}, {"maxLength", 64}},
          "重试安全：同一调用者对同一接口重复使用同一键，只生效一次并返回第一次的结果(写入请求的 request_id)。"));
    }
    if (!parameters.empty()) op["parameters"] = parameters;
    if (!route.body.empty()) {
      json schema = route.body == "*" ? gen.MessageSchema(input) : gen.FieldSchema(input->FindFieldByName(route.body));
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    json ok;
    const Descriptor* output = rpc.method->output_type();
    if (!route.response_body.empty() &&
        output->FindFieldByName(route.response_body)->message_type() == saima::api::v1::File::descriptor()) {
      ok = {{"description", "文件(ZIP、XLSX、CSV 或 JSON，Content-Disposition 给出文件名)"},
            {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    } else {
      const json schema = route.response_body.empty() ? gen.MessageSchema(output)
                                                      : gen.FieldSchema(output->FindFieldByName(route.response_body));
      ok = {{"description", "成功"}, {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    op["responses"] = {{"200", ok},
                       {"400", {{"$ref", "#/components/responses/BadRequest"}}},
                       {"401", {{"$ref", "#/components/responses/Unauthenticated"}}},
                       {"403", {{"$ref", "#/components/responses/PermissionDenied"}}},
                       {"404", {{"$ref", "#/components/responses/NotFound"}}},
                       {"409", {{"$ref", "#/components/responses/Conflict"}}},
                       {"429", {{"$ref", "#/components/responses/TooManyRequests"}}},
                       {"503", {{"$ref", "#/components/responses/Unavailable"}}}};
    paths[path][Lower(route.http_method)] = std::move(op);
  }
  // What is not an RPC.
  paths["/healthz"]["get"] = {
      {"operationId", "Healthz"},
      {"summary", "各后台服务的健康状态"},
      {"description", "全部服务正常时返回 200，否则 503。无需登录。"},
      {"tags", json::array({"运行状态"})},
      {"security", json::array()},
      {"responses",
       {{"200", {{"description", "全部正常"}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}},
        {"429", {{"$ref", "#/components/responses/TooManyRequests"}}},
        {"503",
         {{"description", "有服务不可用"}, {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}}}}}};
  paths["/sdmx/data/{context}/{agency}/{flow}/{version}/{key}"]["get"] = {
      {"operationId", "SdmxData"},
      {"summary", "城市投资指标 SDMX-CSV 2.0 数据(SDMX REST v2)"},
      {"description",
       "数据流 SAIMA:FAI(1.0.0)，键为 FREQ.REF_AREA.INDICATOR (多个键以逗号分隔，* 或空为任意)。"
       "c[组件]=运算符:值 (eq ne lt le gt ge co nc sw ew；逗号为或，加号为且)。需要“查看统计报表”权限；"
       "城市开启公开发布时，无令牌仅可读取统计局已发布的报告期。说明见 docs/sdmx.md。"},
      {"tags", json::array({"SDMX"})},
      {"security", json::array({json::object({{"bearer", json::array()}}), json::object()})},
      {"parameters",
       json::array(
           {Generator::Parameter("context", "path", true, {{"type", "string"}}, "dataflow 或 *"),
            Generator::Parameter("agency", "path", true, {{"type", "string"}}, "机构，SAIMA 或 *"),
            Generator::Parameter("flow", "path", true, {{"type", "string"}}, "数据流，FAI 或 *"),
            Generator::Parameter("version", "path", true, {{"type", "string"}}, "版本：1.0.0、~、+、* 或 1+.0.0 等"),
            Generator::Parameter("key", "path", true, {{"type", "string"}}, "维度键，* 表示全部"),
            Generator::Parameter("c[TIME_PERIOD]", "query", false, {{"type", "string"}},
                                 "时间条件，如 ge:2023-01+le:2023-05、2023、eq:2023-Q2"),
            Generator::Parameter("c[INDICATOR]", "query", false, {{"type", "string"}}, "指标，如 FAI_YTD,FAI_YOY"),
            Generator::Parameter("c[OBS_VALUE]", "query", false, {{"type", "string"}}, "观测值条件，如 gt:0"),
            Generator::Parameter("firstNObservations", "query", false, {{"type", "integer"}}, "每个序列最早 N 个"),
            Generator::Parameter("lastNObservations", "query", false, {{"type", "integer"}}, "每个序列最近 N 个"),
            Generator::Parameter("dimensionAtObservation", "query", false, {{"type", "string"}},
                                 "TIME_PERIOD、AllDimensions 或一个维度"),
            Generator::Parameter("updatedAfter", "query", false, {{"type", "string"}, {"format", "date-time"}},
                                 "只返回此时间之后有更新的报告期")})},
      {"responses",
       {{"200",
         {{"description", "SDMX-CSV 2.0 (CRLF 换行；Accept 中 labels=id|name|both、keys=none|obs|series|both)"},
          {"content", {{"application/vnd.sdmx.data+csv;version=2.0.0", {{"schema", {{"type", "string"}}}}}}}}},
        {"204", {{"description", "没有数据"}}},
        {"400", {{"$ref", "#/components/responses/BadRequest"}}},
        {"401", {{"$ref", "#/components/responses/Unauthenticated"}}},
        {"403", {{"$ref", "#/components/responses/PermissionDenied"}}},
        {"404", {{"$ref", "#/components/responses/NotFound"}}},
        {"406", ErrorResponse("不提供所请求的格式")}}}};
  paths["/sdmx/structure/{type}/{agency}/{id}/{version}"]["get"] = {
      {"operationId", "SdmxStructure"},
      {"summary", "SDMX 结构：数据流、数据结构定义、概念与代码表 (SDMX REST v2)"},
      {"description",
       "SDMX-JSON 2.0.0 (默认) 或 SDMX-ML 3.0.0 (Accept: application/vnd.sdmx.structure+xml;version=3.0.0)，"
       "名称为中文与英文。公开，无需令牌。"},
      {"tags", json::array({"SDMX"})},
      {"security", json::array()},
      {"parameters",
       json::array(
           {Generator::Parameter("type", "path", true, {{"type", "string"}},
                                 "dataflow、datastructure、conceptscheme、codelist 或 *"),
            Generator::Parameter("agency", "path", true, {{"type", "string"}}, "机构，SAIMA 或 *"),
            Generator::Parameter("id", "path", true, {{"type", "string"}}, "标识，可逗号分隔，* 表示全部"),
            Generator::Parameter("version", "path", true, {{"type", "string"}}, "版本：1.0.0、~、+、*"),
            Generator::Parameter("references", "query", false, {{"type", "string"}},
                                 "none、parents、parentsandsiblings、ancestors、children、descendants、all 或结构类型"),
            Generator::Parameter("detail", "query", false, {{"type", "string"}},
                                 "full、allstubs、referencestubs、allcompletestubs、referencecompletestubs、"
                                 "referencepartial、raw")})},
      {"responses",
       {{"200",
         {{"description", "结构消息"},
          {"content",
           {{"application/vnd.sdmx.structure+json;version=2.0.0", {{"schema", {{"type", "object"}}}}},
            {"application/vnd.sdmx.structure+xml;version=3.0.0", {{"schema", {{"type", "string"}}}}}}}}},
        {"400", {{"$ref", "#/components/responses/BadRequest"}}},
        {"404", {{"$ref", "#/components/responses/NotFound"}}},
        {"406", ErrorResponse("不提供所请求的格式")}}}};
  tags.push_back({{"name", "运行状态"}, {"description", "健康检查"}});
  tags.push_back({{"name", "SDMX"}, {"description", "按 SDMX REST 规范提供的统计数据"}});

  json schemas = gen.TakeSchemas();
  schemas["google.rpc.Status"] = {
      {"type", "object"},
      {"description",
       "错误(AIP-193)：code 为 gRPC 状态码，message 为开发者看的英文说明；details 中的 "
       "google.rpc.LocalizedMessage(zh-CN)是给人看的中文说明，google.rpc.BadRequest 逐项列出不合规的字段。"},
      {"properties",
       {{"code", {{"type", "integer"}, {"format", "int32"}}},
        {"message", {{"type", "string"}}},
        {"details",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"@type", {{"type", "string"}}}}},
            {"additionalProperties", true}}}}}}}};
  json responses = json::object();
  for (const auto& [name, text] : std::vector<std::pair<const char*, const char*>>{
           {"BadRequest", "请求不符合要求(逐项列出字段与规则)"},
           {"Unauthenticated", "未登录或登录已失效"},
           {"PermissionDenied", "无权执行此操作"},
           {"NotFound", "不存在"},
           {"Conflict", "与当前状态冲突(已被他人修改、已存在或当前状态下不能执行)"},
           {"TooManyRequests", "请求过于频繁(Retry-After 给出等待秒数)"},
           {"Unavailable", "后台服务暂不可用，请稍后重试"}}) {
    responses[name] = ErrorResponse(text);
  }
  json doc = {{"openapi", "3.0.3"},
              {"info",
               {{"title", "赛马(Saima)固定资产投资项目管理系统 API"},
                {"version", version},
                {"description",
                 "县级市的项目库、月度投资统计、“互看互学·互比互评”赛马评比与月调度的对外接口。每个接口同时以 gRPC 提供"
                 "(服务名见各接口说明)。请求与响应采用 protobuf 的 JSON 映射；金额为整数，单位元；日期写作 "
                 "YYYY-MM-DD，月份写作 "
                 "YYYY-MM(02 至 12 月)。除注明无需登录者外，请求须带 `Authorization: Bearer <令牌或 API 密钥>`。"},
                {"contact", {{"name", "赛马系统维护组"}}},
                {"license", {{"name", "仅供政府部门与授权系统使用"}, {"url", "https://www.gov.cn/"}}}}},
              {"servers", json::array({{{"url", "/"}, {"description", "本网关"}}})},
              {"security", json::array({{{"bearer", json::array()}}})},
              {"tags", tags},
              {"paths", paths},
              {"components",
               {{"securitySchemes",
                 {{"bearer",
                   {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT 访问令牌或 sk_ 开头的 API 密钥"}}}}},
                {"schemas", schemas},
                {"responses", responses}}}};
  return doc;
}

json DisplayNames(const std::vector<std::string>& files) {
  json out = json::object();
  const auto* pool = DescriptorPool::generated_pool();
  std::function<void(const EnumDescriptor*)> add = [&out](const EnumDescriptor* type) {
    json values = json::object();
    for (int i = 0; i < type->value_count(); ++i) values[type->value(i)->name()] = DisplayName(type->value(i));
    out[type->full_name()] = values;
  };
  std::function<void(const Descriptor*)> walk = [&](const Descriptor* type) {
    for (int i = 0; i < type->enum_type_count(); ++i) add(type->enum_type(i));
    for (int i = 0; i < type->nested_type_count(); ++i) walk(type->nested_type(i));
  };
  for (const std::string& name : files) {
    const auto* file = pool->FindFileByName(name);
    if (file == nullptr || file->package().rfind("saima.", 0) != 0) continue;
    for (int i = 0; i < file->enum_type_count(); ++i) add(file->enum_type(i));
    for (int i = 0; i < file->message_type_count(); ++i) walk(file->message_type(i));
  }
  return out;
}

}  // namespace saima::gateway
