#include "gateway/provincial_package.h"

#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/csv.h"
#include "common/digest.h"
#include "common/format.h"
#include "common/names.h"
#include "common/status.h"
#include "gateway/spreadsheet.h"
#include "nlohmann/json.hpp"
#include "services/stats/indicators.h"

namespace saima::gateway {
namespace {

namespace gw = ::saima::gateway::v1;
namespace st = ::saima::stats::v1;

constexpr int64_t kLargeProjectYuan = 50'000'000;  // 5000万元: 206-1 from here, 206-2 below

// A form of the package with the totals its manifest entry reports.
struct Form {
  Table table;
  int64_t total_ytd = 0;
  int64_t total_month = 0;
};

// The notes under a form's title: 报告期, 计量单位, 填报单位.
std::vector<std::string> Notes(const st::GetProvincialPackageResponse& snapshot, const std::string& reporting_unit) {
  return {absl::StrCat("报告期：", PeriodInChinese(snapshot.period())), "计量单位：元",
          absl::StrCat("填报单位：", reporting_unit)};
}

Form ProjectTable(const std::string& name, const std::string& title, const st::GetProvincialPackageResponse& snapshot,
                  const std::string& reporting_unit, bool large) {
  using K = CellKind;
  Form t{{name,
          {{"序号", "项目代码", "项目名称", "建设单位", "国民经济行业代码", "计划总投资(元)", "本月完成投资(元)",
            "自年初累计完成投资(元)", "建筑工程(元)", "安装工程(元)", "设备工器具购置(元)", "其他费用(元)",
            "自开始建设累计完成投资(元)"}},
          {K::kCount, K::kText, K::kText, K::kText, K::kText, K::kYuan, K::kYuan, K::kYuan, K::kYuan, K::kYuan,
           K::kYuan, K::kYuan, K::kYuan},
          title,
          Notes(snapshot, reporting_unit)}};
  int serial = 0;
  for (const auto& row : snapshot.rows()) {
    if ((row.planned_total_yuan() >= kLargeProjectYuan) != large) continue;
    const auto& f = row.figure();
    t.table.cells.push_back({absl::StrCat(++serial), row.project_code(), row.project_name(),
                             row.unit_name().empty() ? row.unit_id() : row.unit_name(), row.industry_code(),
                             absl::StrCat(row.planned_total_yuan()), absl::StrCat(f.month_yuan()),
                             absl::StrCat(f.ytd_yuan()), absl::StrCat(f.ytd_breakdown().construction_yuan()),
                             absl::StrCat(f.ytd_breakdown().installation_yuan()),
                             absl::StrCat(f.ytd_breakdown().equipment_yuan()),
                             absl::StrCat(f.ytd_breakdown().other_yuan()), absl::StrCat(f.since_start_yuan())});
    t.total_ytd += f.ytd_yuan();
    t.total_month += f.month_yuan();
  }
  return t;
}

Form SummaryTable(const st::GetProvincialPackageResponse& snapshot, const std::string& reporting_unit) {
  using K = CellKind;
  // A county's package: the county's own indicators (no rank among the prefecture's cities).
  const st::GetIndicatorsResponse& city = snapshot.region().empty() ? snapshot.city() : snapshot.region_total();
  Form t{{"汇总",
          {{"指标", "本年累计(元)", "上年同期(元)", "同比增长", "丽水市排名"}},
          {K::kText, K::kYuan, K::kYuan, K::kPercent1, K::kText},
          "固定资产投资主要指标汇总",
          Notes(snapshot, reporting_unit)}};
  auto add = [&t](const std::string& name, const st::Indicator& i) {
    t.table.cells.push_back({name, absl::StrCat(i.ytd_yuan()), absl::StrCat(i.ytd_last_year_yuan()),
                             Growth(i.yoy_growth().numerator(), i.yoy_growth().denominator()),
                             i.prefecture_rank() ? absl::StrCat(i.prefecture_rank(), "/", i.prefecture_size()) : ""});
  };
  add("固定资产投资", city.total());
  for (const auto& c : city.categories()) add(DisplayNameOf(c.category()), c);
  t.total_ytd = city.total().ytd_yuan();
  return t;
}

// The same files at the same time give the same bytes (entries dated `mtime`, not now).
absl::StatusOr<std::string> Zip(const std::vector<std::pair<std::string, std::string>>& files, time_t mtime) {
  char path[] = "/tmp/saima-package-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return absl::InternalError("cannot create a temporary file");
  close(fd);
  int error = 0;
  zip_t* archive = zip_open(path, ZIP_TRUNCATE, &error);
  if (archive == nullptr) return absl::InternalError("cannot create the package archive");
  for (const auto& [name, content] : files) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    const zip_int64_t index = source == nullptr ? -1 : zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0 || zip_file_set_mtime(archive, static_cast<zip_uint64_t>(index), mtime, 0) < 0) {
      zip_discard(archive);
      return absl::InternalError("cannot add a file to the package archive");
    }
  }
  if (zip_close(archive) != 0) return absl::InternalError("cannot write the package archive");
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::remove(path);
  return bytes.str();
}

}  // namespace

absl::StatusOr<gw::GetProvincialPackageResponse> BuildProvincialPackage(
    const st::GetProvincialPackageResponse& snapshot, const std::string& format, const std::string& city_unit) {
  // A county's package is reported by the county.
  const std::string reporting_unit =
      snapshot.region().empty()
          ? city_unit
          : absl::StrCat(snapshot.region_name().empty() ? snapshot.region() : snapshot.region_name(), "统计局");
  const std::string file_stem = snapshot.region().empty()
                                    ? absl::StrCat("provincial-", snapshot.period())
                                    : absl::StrCat("provincial-", snapshot.period(), "-", snapshot.region());
  const std::vector<Form> forms = {
      ProjectTable("206-1", "5000万元及以上固定资产投资项目情况(206-1表)", snapshot, reporting_unit, true),
      ProjectTable("206-2", "500-5000万元固定资产投资项目情况(206-2表)", snapshot, reporting_unit, false),
      SummaryTable(snapshot, reporting_unit)};
  gw::GetProvincialPackageResponse out;
  out.set_period(snapshot.period());
  out.set_city_total_ytd_yuan(snapshot.city().total().ytd_yuan());
  out.set_version(snapshot.version());
  out.set_snapshot_sha256(snapshot.snapshot_sha256());
  out.set_reason(snapshot.reason());
  const time_t frozen_at = static_cast<time_t>(snapshot.snapshot_time().seconds());
  Table manifest{"清单",
                 {{"表", "行数", "自年初累计合计(元)", "本月合计(元)", "SHA-256(CSV)"}},
                 {CellKind::kText, CellKind::kCount, CellKind::kYuan, CellKind::kYuan, CellKind::kText},
                 "报表包清单",
                 Notes(snapshot, reporting_unit)};
  manifest.cells.push_back({"封存版本", absl::StrCat(snapshot.version()), "", "", snapshot.snapshot_sha256()});
  nlohmann::json json = {
      {"period", snapshot.period()},
      {"version", snapshot.version()},
      {"snapshotSha256", snapshot.snapshot_sha256()},
      {"reason", snapshot.reason()},
      {"frozenAt", absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromTimeT(frozen_at), absl::FixedTimeZone(8 * 3600))},
      {"cityTotalYtdYuan", std::to_string(snapshot.city().total().ytd_yuan())},
      {"region", snapshot.region()},
      {"tables", nlohmann::json::array()}};
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<Table> sheets;
  for (const auto& [t, total_ytd, total_month] : forms) {
    sheets.push_back(t);
    // With a byte-order mark, so that Excel opens the UTF-8 text as such; the checksum covers the file's bytes.
    const std::string csv = "\xEF\xBB\xBF" + ToCsv(t);
    auto* entry = out.add_tables();
    entry->set_name(t.name);
    entry->set_rows(static_cast<int32_t>(t.cells.size()) - 1);
    entry->set_total_ytd_yuan(total_ytd);
    entry->set_total_month_yuan(total_month);
    entry->set_sha256(Sha256Hex(csv));
    manifest.cells.push_back(
        {t.name, absl::StrCat(entry->rows()), absl::StrCat(total_ytd), absl::StrCat(total_month), entry->sha256()});
    json["tables"].push_back({{"name", t.name + ".csv"},
                              {"rows", entry->rows()},
                              {"totalYtdYuan", std::to_string(total_ytd)},
                              {"totalMonthYuan", std::to_string(total_month)},
                              {"sha256", entry->sha256()}});
    files.emplace_back(t.name + ".csv", csv);
  }
  if (format.empty() || format == "csv") {
    files.emplace_back("manifest.json", json.dump(2));
    auto zip = Zip(files, frozen_at);
    if (!zip.ok()) return zip.status();
    out.mutable_file()->set_file_name(file_stem + ".zip");
    out.mutable_file()->set_content_type("application/zip");
    out.mutable_file()->set_content(*std::move(zip));
  } else if (format == "xlsx") {
    sheets.push_back(manifest);
    auto xlsx = ToXlsx(sheets, frozen_at);
    if (!xlsx.ok()) return xlsx.status();
    out.mutable_file()->set_file_name(file_stem + ".xlsx");
    out.mutable_file()->set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    out.mutable_file()->set_content(*std::move(xlsx));
  } else {
    return InvalidField("format", "must be csv or xlsx", "报表包格式应为 csv 或 xlsx");
  }
  return out;
}

}  // namespace saima::gateway
