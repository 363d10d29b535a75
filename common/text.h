#ifndef SAIMA_COMMON_TEXT_H_
#define SAIMA_COMMON_TEXT_H_

// What text Saima accepts from outside: any Unicode a person types, but no control characters (other than tab and
// line breaks), and none of the invisible ones that make two names look alike or text read backwards (zero-width
// characters, the byte-order mark, bidirectional overrides and isolates). PostgreSQL refuses NUL outright, and a
// name with a right-to-left override prints as something else in every report. Serve() (common/serve.h) checks
// every string of every request with it.

#include <string>

#include "absl/strings/string_view.h"
#include "common/status.h"
#include "google/protobuf/message.h"

namespace saima {

// The code point of the UTF-8 sequence that starts at text[i] (its lead byte says how long it is; ASCII and stray
// bytes are one byte) and its length in bytes; `complete` is false when the text ends inside it, and then only the
// bytes there are are read.
struct CodePoint {
  char32_t value;
  size_t length;
  bool complete;
};
CodePoint CodePointAt(absl::string_view text, size_t i);

// The first character of `text` Saima refuses, as "U+XXXX", or "" when there is none. `text` is UTF-8 (protobuf
// has checked it for string fields).
std::string RefusedCharacter(absl::string_view text);

// Adds a violation for every string field (at any depth, repeated and map values included) holding a refused
// character, named by its path ("project.name", "timetable[2].title").
void CheckText(const google::protobuf::Message& message, Violations& v);

}  // namespace saima

#endif  // SAIMA_COMMON_TEXT_H_
