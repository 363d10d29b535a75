#include "gateway/path_template.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace saima::gateway {
namespace {

bool IsIdentifier(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

absl::Status Bad(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("path template '", text, "': ", why));
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(const std::string& text) {
  PathTemplate t;
  t.text_ = text;
  if (text.empty() || text[0] != '/') return Bad(text, "must start with '/'");
  std::string rest = text.substr(1);
  // The verb follows the last ':' that is outside braces.
  int depth = 0;
  size_t verb_at = std::string::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') ++depth;
    if (rest[i] == '}') --depth;
    if (rest[i] == ':' && depth == 0) verb_at = i;
  }
  if (verb_at != std::string::npos) {
    t.verb_ = rest.substr(verb_at + 1);
    rest = rest.substr(0, verb_at);
    if (t.verb_.empty() || t.verb_.find('/') != std::string::npos) return Bad(text, "empty or malformed verb");
  }
  size_t i = 0;
  auto read_segment_text = [&](char stop) {
    size_t start = i;
    while (i < rest.size() && rest[i] != '/' && rest[i] != stop) ++i;
    return rest.substr(start, i - start);
  };
  while (i <= rest.size()) {
    if (i < rest.size() && rest[i] == '{') {
      const size_t close = rest.find('}', i);
      if (close == std::string::npos) return Bad(text, "unclosed '{'");
      const std::string inner = rest.substr(i + 1, close - i - 1);
      const auto eq = inner.find('=');
      Variable var;
      var.field_path = inner.substr(0, eq);
      if (!IsIdentifier(var.field_path)) return Bad(text, absl::StrCat("bad field path '", var.field_path, "'"));
      for (const Variable& other : t.variables_) {
        if (other.field_path == var.field_path) return Bad(text, absl::StrCat("'", var.field_path, "' bound twice"));
      }
      var.first_segment = static_cast<int>(t.segments_.size());
      const int index = static_cast<int>(t.variables_.size());
      if (eq == std::string::npos) {
        t.segments_.push_back({Segment::kSingle, "", index});
      } else {
        for (absl::string_view part : absl::StrSplit(inner.substr(eq + 1), '/')) {
          if (part == "*") {
            t.segments_.push_back({Segment::kSingle, "", index});
          } else if (part == "**") {
            t.segments_.push_back({Segment::kMulti, "", index});
          } else if (!part.empty() && part.find_first_of("{}*") == absl::string_view::npos) {
            t.segments_.push_back({Segment::kLiteral, std::string(part), index});
          } else {
            return Bad(text, absl::StrCat("bad segment '", std::string(part), "' in a variable"));
          }
        }
      }
      var.end_segment = static_cast<int>(t.segments_.size());
      t.variables_.push_back(var);
      i = close + 1;
    } else {
      const std::string literal = read_segment_text('{');
      if (literal.empty()) return Bad(text, "empty segment");
      if (literal == "*") {
        t.segments_.push_back({Segment::kSingle, "", -1});
      } else if (literal == "**") {
        t.segments_.push_back({Segment::kMulti, "", -1});
      } else {
        t.segments_.push_back({Segment::kLiteral, literal, -1});
      }
    }
    if (i == rest.size()) break;
    if (rest[i] != '/') return Bad(text, "a variable must fill a whole segment");
    ++i;
  }
  for (size_t s = 0; s + 1 < t.segments_.size(); ++s) {
    if (t.segments_[s].kind == Segment::kMulti) return Bad(text, "'**' may only be the last segment");
  }
  return t;
}

bool PathTemplate::Match(const std::string& path, std::vector<std::pair<std::string, std::string>>* bindings) const {
  if (path.empty() || path[0] != '/') return false;
  absl::string_view rest(path);
  rest.remove_prefix(1);
  const auto last_slash = rest.rfind('/');
  const auto colon = rest.find(':', last_slash == absl::string_view::npos ? 0 : last_slash);
  if (colon != absl::string_view::npos) {
    if (verb_.empty() || rest.substr(colon + 1) != verb_) return false;
    rest = rest.substr(0, colon);
  } else if (!verb_.empty()) {
    return false;
  }
  std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
  std::vector<std::string> captured(variables_.size());
  size_t p = 0;
  for (size_t s = 0; s < segments_.size(); ++s) {
    const Segment& seg = segments_[s];
    if (seg.kind == Segment::kMulti) {
      if (p >= parts.size()) return false;
      std::string all = absl::StrJoin(parts.begin() + p, parts.end(), "/");
      if (seg.variable >= 0) absl::StrAppend(&captured[seg.variable], captured[seg.variable].empty() ? "" : "/", all);
      p = parts.size();
      continue;
    }
    if (p >= parts.size() || parts[p].empty()) return false;
    if (seg.kind == Segment::kLiteral && parts[p] != seg.literal) return false;
    if (seg.variable >= 0) {
      absl::StrAppend(&captured[seg.variable], captured[seg.variable].empty() ? "" : "/", std::string(parts[p]));
    }
    ++p;
  }
  if (p != parts.size()) return false;
  if (bindings != nullptr) {
    for (size_t v = 0; v < variables_.size(); ++v) bindings->emplace_back(variables_[v].field_path, captured[v]);
  }
  return true;
}

std::vector<std::string> PathTemplate::variables() const {
  std::vector<std::string> out;
  for (const Variable& v : variables_) out.push_back(v.field_path);
  return out;
}

int PathTemplate::literal_count() const {
  int n = verb_.empty() ? 0 : 1;
  for (const Segment& s : segments_) n += s.kind == Segment::kLiteral && s.variable < 0 ? 1 : 0;
  return n;
}

std::string PathTemplate::OpenApiPath() const {
  std::string out;
  for (size_t s = 0; s < segments_.size(); ++s) {
    const Segment& seg = segments_[s];
    if (seg.variable >= 0) {
      const Variable& v = variables_[seg.variable];
      if (static_cast<int>(s) == v.first_segment) absl::StrAppend(&out, "/{", v.field_path, "}");
      continue;
    }
    absl::StrAppend(&out, "/", seg.kind == Segment::kLiteral ? seg.literal : seg.kind == Segment::kSingle ? "*" : "**");
  }
  if (!verb_.empty()) absl::StrAppend(&out, ":", verb_);
  return out;
}

}  // namespace saima::gateway
