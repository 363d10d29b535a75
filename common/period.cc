#include "common/period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/status.h"

namespace saima {

std::optional<Period> Period::Parse(const std::string& text) {
  // Parsed by hand: imports parse a million of these.
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int digits[6];
  for (int i = 0, j = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    digits[j++] = text[i] - '0';
  }
  Period p;
  p.year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  p.month = digits[4] * 10 + digits[5];
  if (p.year < 2000 || p.year > 2100 || p.month < 2 || p.month > 12) return std::nullopt;
  return p;
}

std::string Period::ToString() const { return absl::StrFormat("%04d-%02d", year, month); }

std::optional<Period> Period::PreviousInYear() const {
  if (month <= 2) return std::nullopt;
  return Period{year, month - 1};
}

std::string Period::EndDate() const {
  const absl::CivilDay last = absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
  return absl::FormatCivilTime(last);
}

bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  absl::CivilDay day;
  // ParseCivilTime normalises 2023-02-30 to March; a real day formats back to itself.
  return absl::ParseCivilTime(text, &day) && absl::FormatCivilTime(day) == text;
}

void CheckPeriod(const std::string& text, const std::string& field, Violations& v) {
  if (!Period::Parse(text)) {
    v.Add(field, "must be YYYY-MM with MM from 02 to 12 (02 covers January and February)",
          "月份应写作 YYYY-MM，月份为 02 至 12(02 月报表含 1、2 月)");
  }
}

void CheckDate(const std::string& text, const std::string& field, const std::string& label, Violations& v) {
  if (!text.empty() && !IsDate(text)) {
    v.Add(field, "must be a real date written YYYY-MM-DD", absl::StrCat(label, "应为有效日期，写作 YYYY-MM-DD"));
  }
}

std::string Period::MonthsBeforeStart(int months) const {
  return absl::FormatCivilTime(absl::CivilDay(absl::CivilMonth(year, month) - months));
}

}  // namespace saima
