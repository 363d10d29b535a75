#ifndef SAIMA_COMMON_MONEY_H_
#define SAIMA_COMMON_MONEY_H_

// Amounts are whole 元 in int64 (DOMAIN.md §2). Every amount a person or a system sends is bounded, and every sum
// is checked, so that no figure can wrap around and no aggregate can leave the range PostgreSQL's bigint holds.

#include <climits>
#include <cstdint>

namespace saima {

// The largest amount Saima accepts for one figure: 100万亿元 (10^14 元), far beyond any county's project, and small
// enough that the sum of every figure of a province's projects for decades stays inside int64.
inline constexpr int64_t kMaxAmountYuan = 100'000'000'000'000;

// a + b, or false when the sum does not fit in int64.
inline bool CheckedAdd(int64_t a, int64_t b, int64_t* sum) { return !__builtin_add_overflow(a, b, sum); }

// Whether `yuan` is an amount Saima accepts (0 to kMaxAmountYuan).
inline bool IsValidAmount(int64_t yuan) { return yuan >= 0 && yuan <= kMaxAmountYuan; }

// A total of amounts that cannot wrap: added up in 128 bits; fits() says whether the total is an int64.
class AmountSum {
 public:
  AmountSum& operator+=(int64_t yuan) {
    total_ += yuan;
    return *this;
  }
  AmountSum& operator+=(const AmountSum& other) {
    total_ += other.total_;
    return *this;
  }
  bool fits() const { return total_ >= INT64_MIN && total_ <= INT64_MAX; }
  // The total (meaningful only when fits()).
  int64_t value() const { return static_cast<int64_t>(total_); }

 private:
  __int128 total_ = 0;
};

}  // namespace saima

#endif  // SAIMA_COMMON_MONEY_H_
