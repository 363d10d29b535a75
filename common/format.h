#ifndef SAIMA_COMMON_FORMAT_H_
#define SAIMA_COMMON_FORMAT_H_

// How amounts and rates are shown to people (DOMAIN.md §8): computed from exact integer amounts, rounded half
// away from zero only at the end.

#include <cstdint>
#include <string>

namespace saima {

// 元 → 万元 with one decimal; 元 → 亿元 with two.
std::string Wan(int64_t yuan);
std::string Yi(int64_t yuan);
// numerator/denominator as a percentage with one decimal, e.g. "35.2%"; "—" when the denominator is 0.
std::string Percent(int64_t numerator, int64_t denominator);
// A growth rate with its sign, e.g. "+15.6%", "-3.5%"; "—" when undefined.
std::string Growth(int64_t numerator, int64_t denominator);

}  // namespace saima

#endif  // SAIMA_COMMON_FORMAT_H_
