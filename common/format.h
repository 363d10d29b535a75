#ifndef SAIMA_COMMON_FORMAT_H_
#define SAIMA_COMMON_FORMAT_H_

// How amounts and rates are shown to people (DOMAIN.md §8): computed from exact integer amounts, rounded half
// away from zero only at the end.

#include <cstdint>
#include <string>

namespace saima {

// n/d rounded half away from zero (d ≠ 0): the one rounding of every figure people see.
int64_t RoundHalfAwayFromZero(__int128 n, __int128 d);

// numerator/denominator × scale, written with `decimals` decimals (scale includes 10^decimals), rounded half away
// from zero from the exact fraction: RoundedDecimal(352, 1000, 1000, 1) is "35.2", a percentage with one decimal;
// "-0.0" is written "0.0".
std::string RoundedDecimal(int64_t numerator, int64_t denominator, int64_t scale, int decimals);

// 元 → 万元 with one decimal; 元 → 亿元 with two.
std::string Wan(int64_t yuan);
std::string Yi(int64_t yuan);
// numerator/denominator as a percentage with one decimal, e.g. "35.2%"; "—" when the denominator is 0.
std::string Percent(int64_t numerator, int64_t denominator);
// A growth rate with its sign, e.g. "+15.6%", "-3.5%"; "—" when undefined.
std::string Growth(int64_t numerator, int64_t denominator);

}  // namespace saima

#endif  // SAIMA_COMMON_FORMAT_H_
