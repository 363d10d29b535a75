#ifndef SAIMA_COMMON_PROTO_JSON_H_
#define SAIMA_COMMON_PROTO_JSON_H_

// Printing a message in protobuf's JSON mapping (https://protobuf.dev/programming-guides/proto3/#json), the way
// google::protobuf::util::MessageToJsonString prints it with always_print_primitive_fields, lowerCamelCase names
// and enums as names, but by walking the message once with reflection. The library's printer of Debian 12's
// protobuf (3.21) rebuilds the type description of every message it prints and spent a third of the gateway's
// time on a project read (tests/bench/edge_bench); proto_json_test compares the two on random messages of every
// type of the contracts. Any, Struct, Value and ListValue are left to the library.

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace saima {

// Appends the JSON of `message` to `out`. Scalar, enum, repeated and map fields are printed with their default
// values too (an unset message field, a oneof member not chosen and an unset proto3 optional are left out).
void AppendJson(const google::protobuf::Message& message, std::string* out);

// A proto field name (or a dotted path of them) as the JSON mapping writes it: "report.ytd_yuan" → "report.ytdYuan".
std::string LowerCamel(absl::string_view snake);

}  // namespace saima

#endif  // SAIMA_COMMON_PROTO_JSON_H_
