#include "common/text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"

namespace saima {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool Refused(char32_t c) {
  if (c < 0x20) return c != '\t' && c != '\n' && c != '\r';
  if (c == 0x7F || (c >= 0x80 && c < 0xA0)) return true;  // DEL and the C1 controls
  return (c >= 0x200B && c <= 0x200F) ||                  // zero-width space, joiners, LRM, RLM
         (c >= 0x202A && c <= 0x202E) ||                  // bidirectional embeddings and overrides
         (c >= 0x2060 && c <= 0x2064) ||                  // word joiner, invisible operators
         (c >= 0x2066 && c <= 0x2069) ||                  // bidirectional isolates
         c == 0xFEFF;                                     // byte-order mark, zero-width no-break space
}

void Walk(const Message& message, const std::string& prefix, Violations& v) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && field->type() == FieldDescriptor::TYPE_STRING) {
      auto check = [&](const std::string& text, const std::string& path) {
        const std::string refused = RefusedCharacter(text);
        if (refused.empty()) return;
        v.Add(path, absl::StrCat("holds ", refused, ": control and invisible characters are not accepted"),
              absl::StrCat("不能包含控制字符或不可见字符(", refused, ")"));
      };
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          check(reflection->GetRepeatedString(message, field, i), absl::StrCat(name, "[", i, "]"));
        }
      } else {
        check(reflection->GetString(message, field), name);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
          // A map entry is named by its position too: its key is one of the strings checked.
          Walk(reflection->GetRepeatedMessage(message, field, i), absl::StrCat(name, "[", i, "]"), v);
        }
      } else {
        Walk(reflection->GetMessage(message, field), name, v);
      }
    }
  }
}

}  // namespace

CodePoint CodePointAt(absl::string_view text, size_t i) {
  const unsigned char b = static_cast<unsigned char>(text[i]);
  CodePoint c{b, 1, true};
  if (b >= 0xF0) {
    c = {static_cast<char32_t>(b & 0x07), 4, true};
  } else if (b >= 0xE0) {
    c = {static_cast<char32_t>(b & 0x0F), 3, true};
  } else if (b >= 0xC0) {
    c = {static_cast<char32_t>(b & 0x1F), 2, true};
  }
  c.complete = i + c.length <= text.size();
  for (size_t k = 1; k < c.length && i + k < text.size(); ++k) {
    c.value = (c.value << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  }
  return c;
}

std::string RefusedCharacter(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const CodePoint c = CodePointAt(text, i);
    if (!c.complete) return "U+FFFD";  // cut short: not UTF-8
    if (Refused(c.value)) return absl::StrFormat("U+%04X", static_cast<uint32_t>(c.value));
    i += c.length;
  }
  return "";
}

void CheckText(const Message& message, Violations& v) { Walk(message, "", v); }

}  // namespace saima
