#ifndef SAIMA_COMMON_PG_JSON_H_
#define SAIMA_COMMON_PG_JSON_H_

// Protocol Buffers messages stored as jsonb documents, in protobuf's JSON mapping with the proto field names.

#include <pqxx/pqxx>
#include <string>

#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace saima {

inline std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// An empty message for NULL; unknown fields are ignored so rows written by a newer version stay readable.
template <typename T>
T FromJson(const pqxx::field& field) {
  T message;
  if (field.is_null()) return message;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  (void)google::protobuf::util::JsonStringToMessage(field.c_str(), &message, options);
  return message;
}

}  // namespace saima

#endif  // SAIMA_COMMON_PG_JSON_H_
