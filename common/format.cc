#include "common/format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace saima {
namespace {

// numerator/denominator × scale, rounded half away from zero, written with `decimals` decimals of that scale.
std::string RoundedRatio(int64_t numerator, int64_t denominator, int decimals, int64_t scale) {
  using int128 = __int128;
  int128 n = static_cast<int128>(numerator) * scale;
  int128 d = denominator;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const bool negative = n < 0;
  if (negative) n = -n;
  const int128 rounded = (2 * n + d) / (2 * d);
  int128 unit = 1;
  for (int i = 0; i < decimals; ++i) unit *= 10;
  const int64_t whole = static_cast<int64_t>(rounded / unit);
  const int64_t fraction = static_cast<int64_t>(rounded % unit);
  std::string out = absl::StrCat(negative && rounded != 0 ? "-" : "", whole);
  if (decimals > 0) absl::StrAppend(&out, ".", absl::StrFormat("%0*d", decimals, fraction));
  return out;
}

}  // namespace

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
