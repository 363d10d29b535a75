#ifndef SAIMA_COMMON_PERIOD_H_
#define SAIMA_COMMON_PERIOD_H_

// Reporting periods "YYYY-MM" (DOMAIN.md §8): MM from 02 to 12; the 02 report covers January and February.

#include <optional>
#include <string>

namespace saima {

class Violations;

struct Period {
  int year = 0;
  int month = 0;  // 2..12

  // Parses "YYYY-MM"; nullopt when malformed or the month is 01 or out of range.
  static std::optional<Period> Parse(const std::string& text);
  std::string ToString() const;
  // The period before in the same year, or nullopt for 02.
  std::optional<Period> PreviousInYear() const;
  // The reporting periods around this one across years: 2023-02 follows 2022-12.
  Period Previous() const { return month == 2 ? Period{year - 1, 12} : Period{year, month - 1}; }
  Period Next() const { return month == 12 ? Period{year + 1, 2} : Period{year, month + 1}; }
  Period SameLastYear() const { return {year - 1, month}; }
  // Last day of the period, "YYYY-MM-DD".
  std::string EndDate() const;
  // The first day of the month `months` before the period's month, "YYYY-MM-01".
  std::string MonthsBeforeStart(int months) const;
  bool operator==(const Period& o) const { return year == o.year && month == o.month; }
  bool operator<(const Period& o) const { return year != o.year ? year < o.year : month < o.month; }
};

// "YYYY-MM-DD" naming a real day (2023-02-30 is not one).
bool IsDate(const std::string& text);

// The one rule and message for a period or a date given by a person, added to `v` under `field`. CheckDate
// accepts an empty text (a date not given); `label` names the date in Chinese, e.g. "计划开工日期".
void CheckPeriod(const std::string& text, const std::string& field, Violations& v);
void CheckDate(const std::string& text, const std::string& field, const std::string& label, Violations& v);

}  // namespace saima

#endif  // SAIMA_COMMON_PERIOD_H_
