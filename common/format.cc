#include "common/format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace saima {
namespace {

std::string RoundedRatio(int64_t numerator, int64_t denominator, int decimals, int64_t scale) {
  return RoundedDecimal(numerator, denominator, scale, decimals);
}

}  // namespace

int64_t RoundHalfAwayFromZero(__int128 n, __int128 d) {
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const bool negative = n < 0;
  if (negative) n = -n;
  const __int128 q = (2 * n + d) / (2 * d);
  return static_cast<int64_t>(negative ? -q : q);
}

std::string RoundedDecimal(int64_t numerator, int64_t denominator, int64_t scale, int decimals) {
  const int64_t rounded = RoundHalfAwayFromZero(static_cast<__int128>(numerator) * scale, denominator);
  const uint64_t magnitude = rounded < 0 ? 0 - static_cast<uint64_t>(rounded) : static_cast<uint64_t>(rounded);
  uint64_t unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  std::string out = absl::StrCat(rounded < 0 ? "-" : "", magnitude / unit);
  if (decimals > 0) absl::StrAppend(&out, ".", absl::StrFormat("%0*d", decimals, magnitude % unit));
  return out;
}

std::string Wan(int64_t yuan) { return RoundedRatio(yuan, 10000, 1, 10); }
std::string Yi(int64_t yuan) { return RoundedRatio(yuan, 100000000, 2, 100); }

std::string Percent(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return "—";
  return RoundedRatio(numerator, denominator, 1, 1000) + "%";
}

std::string Growth(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return "—";
  const std::string p = Percent(numerator, denominator);
  return (p[0] == '-' || p == "0.0%") ? p : "+" + p;
}

}  // namespace saima
