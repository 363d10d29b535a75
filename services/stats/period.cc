#include "services/stats/period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace saima::stats {

std::optional<Period> Period::Parse(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  Period p;
  if (!absl::SimpleAtoi(text.substr(0, 4), &p.year) || !absl::SimpleAtoi(text.substr(5, 2), &p.month)) {
    return std::nullopt;
  }
  if (text[5] < '0' || text[5] > '9' || p.year < 2000 || p.year > 2100 || p.month < 2 || p.month > 12) {
    return std::nullopt;
  }
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

}  // namespace saima::stats
