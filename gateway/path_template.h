#ifndef SAIMA_GATEWAY_PATH_TEMPLATE_H_
#define SAIMA_GATEWAY_PATH_TEMPLATE_H_

// HTTP path templates of google.api.http (AIP-127):
//   Template = "/" Segment { "/" Segment } [ ":" Verb ]
//   Segment  = "*" | "**" | LITERAL | "{" FieldPath [ "=" Segment { "/" Segment } ] "}"
// e.g. "/v1/projects/{project_id}", "/v1/periods/{period}:lock", "/v1/campaigns/{sheet.campaign_id}/sheets/{x=**}".
// Parsing happens once at start-up; matching is a walk over the path's segments, thread-safe and allocation-light.

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace saima::gateway {

class PathTemplate {
 public:
  // INVALID_ARGUMENT naming what is wrong with `text`.
  static absl::StatusOr<PathTemplate> Parse(const std::string& text);

  // The variables bound by `path` (field path → the text it matched), or false when the path does not match.
  // A path whose last segment holds ':' matches only a template with that verb.
  bool Match(const std::string& path, std::vector<std::pair<std::string, std::string>>* bindings) const;

  const std::string& text() const { return text_; }
  const std::string& verb() const { return verb_; }
  // The field paths of the variables, in order.
  std::vector<std::string> variables() const;
  // The number of literal segments: with two templates matching, the one with more literals wins.
  int literal_count() const;
  // The template in OpenAPI's form: "/v1/projects/{project_id}" ({x=**} becomes {x}).
  std::string OpenApiPath() const;

 private:
  struct Segment {
    enum Kind { kLiteral, kSingle, kMulti } kind = kLiteral;
    std::string literal;
    // Index into variables_ when the segment belongs to a variable, else -1.
    int variable = -1;
  };
  struct Variable {
    std::string field_path;
    int first_segment = 0;
    int end_segment = 0;
  };

  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_PATH_TEMPLATE_H_
