#include "common/proto_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"

namespace saima {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void AppendString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

template <typename T>
void AppendFloating(T value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    char buffer[64];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest that reads back the same
    out->append(buffer, end);
  }
}

// The fraction of a second as protobuf prints it: none, or 3, 6 or 9 digits.
void AppendNanos(int32_t nanos, std::string* out) {
  if (nanos == 0) return;
  char digits[10];
  std::snprintf(digits, sizeof digits, "%09d", nanos);
  int length = 9;
  if (nanos % 1000000 == 0) {
    length = 3;
  } else if (nanos % 1000 == 0) {
    length = 6;
  }
  out->push_back('.');
  out->append(digits, length);
}

void AppendMessage(const Message& message, std::string* out);

void AppendEnum(const FieldDescriptor* field, int number, std::string* out) {
  if (field->enum_type()->full_name() == "google.protobuf.NullValue") {
    out->append("null");
    return;
  }
  const EnumValueDescriptor* value = field->enum_type()->FindValueByNumber(number);
  if (value != nullptr) {
    AppendString(value->name(), out);
  } else {
    absl::StrAppend(out, number);
  }
}

// One value of `field` (element `index` when repeated, else -1).
void AppendValue(const Message& message, const Reflection* r, const FieldDescriptor* field, int index,
                 std::string* out) {
  const bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, repeated ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, repeated ? r->GetRepeatedUInt32(message, field, index) : r->GetUInt32(message, field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"", repeated ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"", repeated ? r->GetRepeatedUInt64(message, field, index) : r->GetUInt64(message, field),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendFloating(repeated ? r->GetRepeatedDouble(message, field, index) : r->GetDouble(message, field), out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendFloating(repeated ? r->GetRepeatedFloat(message, field, index) : r->GetFloat(message, field), out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field)) ? "true"
                                                                                                      : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      AppendEnum(field, repeated ? r->GetRepeatedEnumValue(message, field, index) : r->GetEnumValue(message, field),
                 out);
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& value = repeated ? r->GetRepeatedStringReference(message, field, index, &scratch)
                                          : r->GetStringReference(message, field, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        AppendString(absl::Base64Escape(value), out);
      } else {
        AppendString(value, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(repeated ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field), out);
      break;
  }
}

// A map key as JSON's object keys are: a string.
void AppendMapKey(const Message& entry, const FieldDescriptor* key, std::string* out) {
  const Reflection* r = entry.GetReflection();
  if (key->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    std::string scratch;
    AppendString(r->GetStringReference(entry, key, &scratch), out);
  } else if (key->cpp_type() == FieldDescriptor::CPPTYPE_BOOL) {
    out->append(r->GetBool(entry, key) ? "\"true\"" : "\"false\"");
  } else {
    std::string number;
    AppendValue(entry, r, key, -1, &number);
    if (number.front() == '"') {
      out->append(number);
    } else {
      absl::StrAppend(out, "\"", number, "\"");
    }
  }
}

// Well-known types with a JSON form of their own; false when `message` is not one this printer handles.
bool AppendWellKnown(const Message& message, std::string* out) {
  const Descriptor* type = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  switch (type->well_known_type()) {
    case Descriptor::WELLKNOWNTYPE_TIMESTAMP: {
      const int64_t seconds = r->GetInt64(message, type->field(0));
      const int32_t nanos = r->GetInt32(message, type->field(1));
      out->push_back('"');
      out->append(absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone()));
      AppendNanos(nanos, out);
      out->append("Z\"");
      return true;
    }
    case Descriptor::WELLKNOWNTYPE_DURATION: {
      const int64_t seconds = r->GetInt64(message, type->field(0));
      const int32_t nanos = r->GetInt32(message, type->field(1));
      out->push_back('"');
      if (seconds < 0 || nanos < 0) out->push_back('-');
      absl::StrAppend(out, seconds < 0 ? -seconds : seconds);
      AppendNanos(nanos < 0 ? -nanos : nanos, out);
      out->append("s\"");
      return true;
    }
    case Descriptor::WELLKNOWNTYPE_FIELDMASK: {
      const FieldDescriptor* paths = type->field(0);
      std::string joined;
      for (int i = 0; i < r->FieldSize(message, paths); ++i) {
        if (i > 0) joined.push_back(',');
        std::string scratch;
        joined.append(LowerCamel(r->GetRepeatedStringReference(message, paths, i, &scratch)));
      }
      AppendString(joined, out);
      return true;
    }
    case Descriptor::WELLKNOWNTYPE_DOUBLEVALUE:
    case Descriptor::WELLKNOWNTYPE_FLOATVALUE:
    case Descriptor::WELLKNOWNTYPE_INT64VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT64VALUE:
    case Descriptor::WELLKNOWNTYPE_INT32VALUE:
    case Descriptor::WELLKNOWNTYPE_UINT32VALUE:
    case Descriptor::WELLKNOWNTYPE_STRINGVALUE:
    case Descriptor::WELLKNOWNTYPE_BYTESVALUE:
    case Descriptor::WELLKNOWNTYPE_BOOLVALUE:
      AppendValue(message, r, type->field(0), -1, out);
      return true;
    case Descriptor::WELLKNOWNTYPE_ANY:
    case Descriptor::WELLKNOWNTYPE_VALUE:
    case Descriptor::WELLKNOWNTYPE_LISTVALUE:
    case Descriptor::WELLKNOWNTYPE_STRUCT: {
      // Rare in Saima's contracts: the library prints them.
      google::protobuf::util::JsonPrintOptions options;
      options.always_print_primitive_fields = true;
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(message, &json, options);
      out->append(json);
      return true;
    }
    default:
      return false;
  }
}

void AppendMessage(const Message& message, std::string* out) {
  if (AppendWellKnown(message, out)) return;
  const Descriptor* type = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  out->push_back('{');
  bool first = true;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated()) {
      // Printed even when empty ([] or {}).
    } else if (field->has_presence()) {
      if (!r->HasField(message, field)) continue;  // an unset message, an unchosen oneof member, an unset optional
    }
    if (!first) out->push_back(',');
    first = false;
    AppendString(field->json_name(), out);
    out->push_back(':');
    if (field->is_map()) {
      const FieldDescriptor* key = field->message_type()->map_key();
      const FieldDescriptor* value = field->message_type()->map_value();
      out->push_back('{');
      for (int j = 0; j < r->FieldSize(message, field); ++j) {
        const Message& entry = r->GetRepeatedMessage(message, field, j);
        if (j > 0) out->push_back(',');
        AppendMapKey(entry, key, out);
        out->push_back(':');
        AppendValue(entry, entry.GetReflection(), value, -1, out);
      }
      out->push_back('}');
    } else if (field->is_repeated()) {
      out->push_back('[');
      for (int j = 0; j < r->FieldSize(message, field); ++j) {
        if (j > 0) out->push_back(',');
        AppendValue(message, r, field, j, out);
      }
      out->push_back(']');
    } else {
      AppendValue(message, r, field, -1, out);
    }
  }
  out->push_back('}');
}

}  // namespace

std::string LowerCamel(absl::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
      upper = false;
    }
  }
  return out;
}

void AppendJson(const Message& message, std::string* out) { AppendMessage(message, out); }

}  // namespace saima
