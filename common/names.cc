#include "common/names.h"

#include "saima/api/v1/annotations.pb.h"

namespace saima {

std::string DisplayName(const google::protobuf::EnumValueDescriptor* value) {
  if (value == nullptr) return "未知";
  const std::string& name = value->options().GetExtension(saima::api::v1::display_name);
  return name.empty() ? value->name() : name;
}

std::string DisplayName(const google::protobuf::EnumDescriptor* type, int number) {
  return DisplayName(type->FindValueByNumber(number));
}

const google::protobuf::EnumValueDescriptor* ValueByDisplayName(const google::protobuf::EnumDescriptor* type,
                                                                const std::string& text) {
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    if (value->number() == 0) continue;  // UNSPECIFIED is never written by people
    if (value->options().GetExtension(saima::api::v1::display_name) == text || value->name() == text) return value;
  }
  return nullptr;
}

}  // namespace saima
