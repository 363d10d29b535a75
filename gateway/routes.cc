#include "gateway/routes.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"

namespace saima::gateway {
namespace {

namespace api = ::saima::api::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status Broken(const MethodDescriptor* method, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("contract of ", method->full_name(), ": ", why));
}

// The field a dotted path names, walking messages; null when any step does not exist or is not a message.
const FieldDescriptor* FieldAt(const Descriptor* type, const std::string& path) {
  const FieldDescriptor* field = nullptr;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (type == nullptr) return nullptr;
    field = type->FindFieldByName(part);
    if (field == nullptr) return nullptr;
    if (dot == std::string::npos) return field;
    if (field->type() != FieldDescriptor::TYPE_MESSAGE || field->is_repeated()) return nullptr;
    type = field->message_type();
    start = dot + 1;
  }
}

absl::Status AddBinding(const google::api::HttpRule& rule, const Rpc* rpc, std::vector<Route>& routes) {
  Route route;
  route.rpc = rpc;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE";
      path = rule.delete_();
      break;
    default:
      return Broken(rpc->method, "only get, post, put, patch and delete bindings are served");
  }
  auto parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) return Broken(rpc->method, std::string(parsed.status().message()));
  route.path = *std::move(parsed);
  const Descriptor* input = rpc->method->input_type();
  for (const std::string& variable : route.path.variables()) {
    const FieldDescriptor* field = FieldAt(input, variable);
    if (field == nullptr || field->is_repeated() || field->type() == FieldDescriptor::TYPE_MESSAGE) {
      return Broken(rpc->method, absl::StrCat("path variable '", variable, "' is not a scalar field of the request"));
    }
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*" && input->FindFieldByName(route.body) == nullptr) {
    return Broken(rpc->method, absl::StrCat("body '", route.body, "' is not a field of the request"));
  }
  if (route.http_method == "GET" && !route.body.empty()) return Broken(rpc->method, "a GET binding has no body");
  route.response_body = rule.response_body();
  if (!route.response_body.empty() && rpc->method->output_type()->FindFieldByName(route.response_body) == nullptr) {
    return Broken(rpc->method, absl::StrCat("response_body '", route.response_body, "' is not a response field"));
  }
  routes.push_back(std::move(route));
  return absl::OkStatus();
}

}  // namespace

std::string AccessKind(const api::Access& access) {
  if (access.internal()) return "internal";
  if (access.anonymous()) return "anonymous";
  if (access.signed_in()) return "signed_in";
  if (access.actions_size() > 0) return "actions";
  return "none";
}

absl::StatusOr<RouteTable> RouteTable::Build(const std::vector<std::string>& files) {
  RouteTable table;
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : files) {
    const auto* file = pool->FindFileByName(name);
    if (file == nullptr) return absl::InvalidArgumentError(absl::StrCat("no descriptor for ", name));
    for (int s = 0; s < file->service_count(); ++s) {
      const auto* service = file->service(s);
      // Services of other projects (health, reflection) are not Saima's contracts.
      if (service->full_name().rfind("saima.", 0) != 0) continue;
      const std::string& backend = service->options().GetExtension(api::backend);
      if (backend.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(service->full_name(), " names no (saima.api.v1.backend)"));
      }
      for (int m = 0; m < service->method_count(); ++m) {
        const MethodDescriptor* method = service->method(m);
        Rpc rpc;
        rpc.method = method;
        rpc.grpc_path = absl::StrCat("/", service->full_name(), "/", method->name());
        rpc.backend = backend;
        rpc.access = method->options().GetExtension(api::access);
        const int kinds =
            (rpc.access.actions_size() > 0) + rpc.access.signed_in() + rpc.access.anonymous() + rpc.access.internal();
        if (kinds != 1) {
          return Broken(method,
                        "needs exactly one of actions, signed_in, anonymous, internal in (saima.api.v1.access)");
        }
        for (int a : rpc.access.actions()) {
          if (a == api::ACTION_UNSPECIFIED) return Broken(method, "ACTION_UNSPECIFIED is not an action");
          rpc.actions.push_back(static_cast<Action>(a));
        }
        table.rpcs_->push_back(std::move(rpc));
      }
    }
  }
  for (const Rpc& rpc : *table.rpcs_) {
    if (!rpc.method->options().HasExtension(google::api::http)) continue;
    if (rpc.access.internal()) return Broken(rpc.method, "an internal RPC has no HTTP binding");
    if (rpc.method->client_streaming() || rpc.method->server_streaming()) {
      return Broken(rpc.method, "a streaming RPC has no HTTP binding");
    }
    const auto& rule = rpc.method->options().GetExtension(google::api::http);
    if (absl::Status s = AddBinding(rule, &rpc, table.routes_); !s.ok()) return s;
    for (const auto& more : rule.additional_bindings()) {
      if (absl::Status s = AddBinding(more, &rpc, table.routes_); !s.ok()) return s;
    }
  }
  for (const Rpc& rpc : *table.rpcs_) table.by_path_[rpc.grpc_path] = &rpc;
  // Two bindings of the same method and path would make the choice arbitrary.
  for (size_t i = 0; i < table.routes_.size(); ++i) {
    for (size_t j = i + 1; j < table.routes_.size(); ++j) {
      const Route& a = table.routes_[i];
      const Route& b = table.routes_[j];
      if (a.http_method == b.http_method && a.path.OpenApiPath() == b.path.OpenApiPath()) {
        return Broken(b.rpc->method, absl::StrCat(b.http_method, " ", b.path.text(), " is bound twice"));
      }
    }
  }
  return table;
}

std::vector<std::string> RouteTable::PublicServices() const {
  std::vector<std::string> out;
  for (const Rpc& rpc : *rpcs_) {
    if (rpc.access.internal()) continue;
    const std::string& name = rpc.method->service()->full_name();
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

const Rpc* RouteTable::FindPublicRpc(const std::string& grpc_path) const {
  auto it = by_path_.find(grpc_path);
  if (it == by_path_.end() || it->second->access.internal()) return nullptr;
  return it->second;
}

RouteTable::Resolution RouteTable::Resolve(const std::string& http_method, const std::string& path) const {
  Resolution out;
  int best = -1;
  for (const Route& route : routes_) {
    std::vector<std::pair<std::string, std::string>> bindings;
    if (!route.path.Match(path, &bindings)) continue;
    if (route.http_method != http_method) {
      if (std::find(out.allowed_methods.begin(), out.allowed_methods.end(), route.http_method) ==
          out.allowed_methods.end()) {
        out.allowed_methods.push_back(route.http_method);
      }
      continue;
    }
    if (route.path.literal_count() > best) {
      best = route.path.literal_count();
      out.route = &route;
      out.bindings = std::move(bindings);
    }
  }
  if (out.route != nullptr) out.allowed_methods.clear();
  return out;
}

}  // namespace saima::gateway
