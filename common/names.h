#ifndef SAIMA_COMMON_NAMES_H_
#define SAIMA_COMMON_NAMES_H_

// The names people read for enumeration values, from the one source: the `(saima.api.v1.display_name)` option
// on each value in the protos. Used by the services (messages, tables), saimactl (output, CSV import) and the
// gateway (exports, the web application's name table).

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace saima {

// The value's display name; its identifier when it has none (a missing name is a bug that names_test catches).
std::string DisplayName(const google::protobuf::EnumValueDescriptor* value);
// The display name of `number` in `type`; "未知" when the number is not a value of the enum.
std::string DisplayName(const google::protobuf::EnumDescriptor* type, int number);

template <typename E>
std::string DisplayNameOf(E value) {
  return DisplayName(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

// The value whose display name (or identifier) is `text`; null when none is.
const google::protobuf::EnumValueDescriptor* ValueByDisplayName(const google::protobuf::EnumDescriptor* type,
                                                                const std::string& text);

template <typename E>
bool ParseDisplayName(const std::string& text, E* out) {
  const auto* value = ValueByDisplayName(google::protobuf::GetEnumDescriptor<E>(), text);
  if (value == nullptr) return false;
  *out = static_cast<E>(value->number());
  return true;
}

}  // namespace saima

#endif  // SAIMA_COMMON_NAMES_H_
