#include "gateway/contest_export.h"

#include "absl/strings/str_cat.h"
#include "common/format.h"

namespace saima::gateway {

std::string Score(int64_t milli) {
  const bool negative = milli < 0;
  const int64_t hundredths = ((negative ? -milli : milli) + 5) / 10;
  return absl::StrCat(negative && hundredths ? "-" : "", hundredths / 100, ".", hundredths % 100 < 10 ? "0" : "",
                      hundredths % 100);
}

Table ResultsTable(const ::saima::scoring::v1::Campaign& campaign,
                   const google::protobuf::RepeatedPtrField<::saima::scoring::v1::Result>& results) {
  Table t{"赛马结果", {{"名次", "单位", "分组", "得分"}}, {CellKind::kCount, CellKind::kText, CellKind::kText}};
  t.title = absl::StrCat(campaign.name().empty() ? "赛马活动" : campaign.name(), "结果");
  t.notes = {absl::StrCat("年度：", campaign.year(), "年"), "计量单位：分"};
  for (const auto& c : campaign.criteria()) t.cells[0].push_back(absl::StrCat(c.name(), "(", c.weight(), "%)"));
  t.cells[0].push_back("计划完成率");
  t.cells[0].push_back("计入评分表");  // after the trimmed mean drops the highest and lowest
  for (size_t i = t.kinds.size(); i + 2 < t.cells[0].size(); ++i) t.kinds.push_back(CellKind::kDecimal2);
  t.kinds.push_back(CellKind::kPercent1);
  t.kinds.push_back(CellKind::kCount);
  std::map<std::string, std::string> pool_names;
  for (const auto& p : campaign.pools()) pool_names[p.pool_id()] = p.name().empty() ? p.pool_id() : p.name();
  for (const auto& r : results) {
    std::vector<std::string> row = {absl::StrCat(r.rank()), r.unit_name().empty() ? r.unit_id() : r.unit_name(),
                                    pool_names[r.pool_id()], Score(r.score_milli())};
    for (const auto& c : campaign.criteria()) {
      auto it = r.criterion_milli().find(c.criterion_id());
      row.push_back(it == r.criterion_milli().end() ? "—" : Score(it->second));
    }
    row.push_back(Percent(r.completion_numerator(), r.completion_denominator()));
    row.push_back(absl::StrCat(r.sheets_counted()));
    t.cells.push_back(std::move(row));
  }
  return t;
}

}  // namespace saima::gateway
