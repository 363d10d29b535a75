#include "common/period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

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

std::string Period::MonthsBeforeStart(int months) const {
  return absl::FormatCivilTime(absl::CivilDay(absl::CivilMonth(year, month) - months));
}

}  // namespace saima
