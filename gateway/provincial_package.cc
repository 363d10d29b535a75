#include "gateway/provincial_package.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/csv.h"
#include "common/digest.h"
#include "common/format.h"
#include "common/money.h"
#include "common/names.h"
#include "common/status.h"
#include "gateway/spreadsheet.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "nlohmann/json.hpp"
#include "services/stats/indicators.h"

namespace saima::gateway {
namespace {

namespace gw = ::saima::gateway::v1;
namespace st = ::saima::stats::v1;

constexpr int64_t kLargeProjectYuan = 50'000'000;  // 5000万元: 206-1 from here, 206-2 below
constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";  // so that Excel opens the UTF-8 text as such

// The two forms of projects, in the package's order.
struct FormSpec {
  const char* name;
  const char* title;
  bool large;
};
constexpr FormSpec kForms[] = {{"206-1", "5000万元及以上固定资产投资项目情况(206-1表)", true},
                               {"206-2", "500-5000万元固定资产投资项目情况(206-2表)", false}};

const FormSpec& FormOf(const st::PackageRow& row) {
  return kForms[row.planned_total_yuan() >= kLargeProjectYuan ? 0 : 1];
}

const std::vector<std::string>& FormHeader() {
  static const auto* header = new std::vector<std::string>{"序号",
                                                           "项目代码",
                                                           "项目名称",
                                                           "建设单位",
                                                           "国民经济行业代码",
                                                           "计划总投资(元)",
                                                           "本月完成投资(元)",
                                                           "自年初累计完成投资(元)",
                                                           "建筑工程(元)",
                                                           "安装工程(元)",
                                                           "设备工器具购置(元)",
                                                           "其他费用(元)",
                                                           "自开始建设累计完成投资(元)"};
  return *header;
}

// A project's line of its form, `serial` its 序号 there.
std::vector<std::string> FormCells(int serial, const st::PackageRow& row) {
  const auto& f = row.figure();
  return {absl::StrCat(serial),
          row.project_code(),
          row.project_name(),
          row.unit_name().empty() ? row.unit_id() : row.unit_name(),
          row.industry_code(),
          absl::StrCat(row.planned_total_yuan()),
          absl::StrCat(f.month_yuan()),
          absl::StrCat(f.ytd_yuan()),
          absl::StrCat(f.ytd_breakdown().construction_yuan()),
          absl::StrCat(f.ytd_breakdown().installation_yuan()),
          absl::StrCat(f.ytd_breakdown().equipment_yuan()),
          absl::StrCat(f.ytd_breakdown().other_yuan()),
          absl::StrCat(f.since_start_yuan())};
}

// Adds a row to its form's totals, refused (never wrapped) when a total would not fit in 64 bits.
absl::Status AddToTotals(const FormSpec& form, const st::PackageRow& row, int64_t* ytd, int64_t* month) {
  if (CheckedAdd(*ytd, row.figure().ytd_yuan(), ytd) && CheckedAdd(*month, row.figure().month_yuan(), month)) {
    return absl::OkStatus();
  }
  return Error(absl::StatusCode::kOutOfRange, absl::StrCat("the totals of form ", form.name, " do not fit in int64"),
               absl::StrCat(form.name, " 表的合计超出可表示的范围"));
}

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

// A county's package is reported by the county.
std::string ReportingUnit(const st::GetProvincialPackageResponse& snapshot, const std::string& city_unit) {
  if (snapshot.region().empty()) return city_unit;
  return absl::StrCat(snapshot.region_name().empty() ? snapshot.region() : snapshot.region_name(), "统计局");
}

std::string FileStem(const st::GetProvincialPackageResponse& snapshot) {
  return snapshot.region().empty() ? absl::StrCat("provincial-", snapshot.period())
                                   : absl::StrCat("provincial-", snapshot.period(), "-", snapshot.region());
}

absl::StatusOr<Form> ProjectTable(const FormSpec& spec, const st::GetProvincialPackageResponse& snapshot,
                                  const std::string& reporting_unit) {
  using K = CellKind;
  Form t{{spec.name,
          {FormHeader()},
          {K::kCount, K::kText, K::kText, K::kText, K::kText, K::kYuan, K::kYuan, K::kYuan, K::kYuan, K::kYuan,
           K::kYuan, K::kYuan, K::kYuan},
          spec.title,
          Notes(snapshot, reporting_unit)}};
  int serial = 0;
  for (const auto& row : snapshot.rows()) {
    if (&FormOf(row) != &spec) continue;
    t.table.cells.push_back(FormCells(++serial, row));
    if (absl::Status s = AddToTotals(spec, row, &t.total_ytd, &t.total_month); !s.ok()) return s;
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

// A manifest entry: one file of the package.
struct Entry {
  std::string name;
  int32_t rows = 0;
  int64_t total_ytd = 0;
  int64_t total_month = 0;
  std::string sha256;
};

// What both formats say of the package beside its file: period, totals, version, and the manifest's entries.
struct Description {
  gw::GetProvincialPackageResponse out;
  Table manifest;
  nlohmann::json json;
};

Description Describe(const st::GetProvincialPackageResponse& snapshot, const std::string& reporting_unit,
                     const std::vector<Entry>& entries) {
  Description d;
  d.out.set_period(snapshot.period());
  d.out.set_city_total_ytd_yuan(snapshot.city().total().ytd_yuan());
  d.out.set_version(snapshot.version());
  d.out.set_snapshot_sha256(snapshot.snapshot_sha256());
  d.out.set_reason(snapshot.reason());
  const time_t frozen_at = static_cast<time_t>(snapshot.snapshot_time().seconds());
  d.manifest = Table{"清单",
                     {{"表", "行数", "自年初累计合计(元)", "本月合计(元)", "SHA-256(CSV)"}},
                     {CellKind::kText, CellKind::kCount, CellKind::kYuan, CellKind::kYuan, CellKind::kText},
                     "报表包清单",
                     Notes(snapshot, reporting_unit)};
  d.manifest.cells.push_back({"封存版本", absl::StrCat(snapshot.version()), "", "", snapshot.snapshot_sha256()});
  d.json = {
      {"period", snapshot.period()},
      {"version", snapshot.version()},
      {"snapshotSha256", snapshot.snapshot_sha256()},
      {"reason", snapshot.reason()},
      {"frozenAt", absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", absl::FromTimeT(frozen_at), absl::FixedTimeZone(8 * 3600))},
      {"cityTotalYtdYuan", std::to_string(snapshot.city().total().ytd_yuan())},
      {"region", snapshot.region()},
      {"tables", nlohmann::json::array()}};
  for (const Entry& e : entries) {
    auto* entry = d.out.add_tables();
    entry->set_name(e.name);
    entry->set_rows(e.rows);
    entry->set_total_ytd_yuan(e.total_ytd);
    entry->set_total_month_yuan(e.total_month);
    entry->set_sha256(e.sha256);
    d.manifest.cells.push_back(
        {e.name, absl::StrCat(e.rows), absl::StrCat(e.total_ytd), absl::StrCat(e.total_month), e.sha256});
    d.json["tables"].push_back({{"name", e.name + ".csv"},
                                {"rows", e.rows},
                                {"totalYtdYuan", std::to_string(e.total_ytd)},
                                {"totalMonthYuan", std::to_string(e.total_month)},
                                {"sha256", e.sha256}});
  }
  return d;
}

// A file of the archive: its bytes, or (path set) a file on disk.
struct ZipFile {
  std::string name;
  std::string content;
  std::string path;
};

// The same files at the same time give the same bytes (entries dated `mtime`, not now).
absl::Status Zip(const std::vector<ZipFile>& files, time_t mtime, const std::string& zip_path) {
  int error = 0;
  zip_t* archive = zip_open(zip_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (archive == nullptr) return absl::InternalError("cannot create the package archive");
  for (const ZipFile& file : files) {
    zip_source_t* source = file.path.empty() ? zip_source_buffer(archive, file.content.data(), file.content.size(), 0)
                                             : zip_source_file(archive, file.path.c_str(), 0, 0);
    const zip_int64_t index =
        source == nullptr ? -1 : zip_file_add(archive, file.name.c_str(), source, ZIP_FL_ENC_UTF_8);
    if (index < 0 || zip_file_set_mtime(archive, static_cast<zip_uint64_t>(index), mtime, 0) < 0) {
      if (index < 0 && source != nullptr) zip_source_free(source);
      zip_discard(archive);
      return absl::InternalError("cannot add a file to the package archive");
    }
  }
  if (zip_close(archive) != 0) {
    zip_discard(archive);
    return absl::InternalError("cannot write the package archive");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> TemporaryFile(const char* stem) {
  std::string path = absl::StrCat("/tmp/", stem, "-XXXXXX");
  const int fd = mkstemp(path.data());
  if (fd < 0) return absl::InternalError("cannot create a temporary file");
  close(fd);
  return path;
}

std::string CsvLine(const std::vector<std::string>& cells) { return ToCsv(Table{"", {cells}}); }

}  // namespace

struct CsvPackageWriter::State {
  struct Part {
    std::string path;
    std::FILE* file = nullptr;
    Sha256Stream sha;
    int32_t rows = 0;
    int64_t total_ytd = 0;
    int64_t total_month = 0;
  };
  st::GetProvincialPackageResponse head;
  std::string dir;  // the forms' files, removed with it
  Part parts[2];
  absl::Status status;  // the first failure, reported by Add and Finish

  void Write(Part& part, const std::string& bytes) {
    if (!status.ok()) return;
    part.sha.Update(bytes);
    if (std::fwrite(bytes.data(), 1, bytes.size(), part.file) != bytes.size()) {
      status = absl::InternalError(absl::StrCat("cannot write ", part.path));
    }
  }
};

CsvPackageWriter::CsvPackageWriter(const st::GetProvincialPackageResponse& head) : state_(std::make_unique<State>()) {
  State& s = *state_;
  // Everything but the rows, without copying them.
  google::protobuf::FieldMask head_fields;
  const auto* descriptor = head.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (descriptor->field(i)->number() != st::GetProvincialPackageResponse::kRowsFieldNumber) {
      head_fields.add_paths(descriptor->field(i)->name());
    }
  }
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(head, head_fields, {}, &s.head);
  // The forms' files are -rw-rw-rw- (libzip keeps a file's mode in the archive; an entry made from memory has that
  // one, so the ZIP's bytes do not depend on how it was made), private in a directory only this user can open.
  char dir[] = "/tmp/saima-package-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    s.status = absl::InternalError("cannot create a temporary directory");
    return;
  }
  s.dir = dir;
  for (int i = 0; i < 2; ++i) {
    State::Part& part = s.parts[i];
    part.path = absl::StrCat(s.dir, "/", kForms[i].name, ".csv");
    part.file = std::fopen(part.path.c_str(), "wb");
    if (part.file == nullptr || fchmod(fileno(part.file), 0666) != 0) {
      s.status = absl::InternalError(absl::StrCat("cannot open ", part.path));
      return;
    }
    s.Write(part, kByteOrderMark + CsvLine(FormHeader()));
  }
}

CsvPackageWriter::~CsvPackageWriter() {
  for (State::Part& part : state_->parts) {
    if (part.file != nullptr) std::fclose(part.file);
    if (!part.path.empty()) std::remove(part.path.c_str());
  }
  if (!state_->dir.empty()) rmdir(state_->dir.c_str());
}

absl::Status CsvPackageWriter::Add(const st::PackageRow& row) {
  State& s = *state_;
  const FormSpec& form = FormOf(row);
  State::Part& part = s.parts[&form == &kForms[0] ? 0 : 1];
  s.Write(part, CsvLine(FormCells(++part.rows, row)));
  if (absl::Status added = AddToTotals(form, row, &part.total_ytd, &part.total_month); !added.ok() && s.status.ok()) {
    s.status = added;
  }
  return s.status;
}

absl::StatusOr<gw::GetProvincialPackageResponse> CsvPackageWriter::Finish(const std::string& zip_path) {
  State& s = *state_;
  for (State::Part& part : s.parts) {
    if (part.file != nullptr && std::fclose(part.file) != 0 && s.status.ok()) {
      s.status = absl::InternalError(absl::StrCat("cannot write ", part.path));
    }
    part.file = nullptr;
  }
  if (!s.status.ok()) return s.status;
  const Form summary = SummaryTable(s.head, "");
  const std::string summary_csv = kByteOrderMark + ToCsv(summary.table);
  std::vector<Entry> entries;
  std::vector<ZipFile> files;
  for (int i = 0; i < 2; ++i) {
    const State::Part& part = s.parts[i];
    entries.push_back({kForms[i].name, part.rows, part.total_ytd, part.total_month, part.sha.Hex()});
    files.push_back({absl::StrCat(kForms[i].name, ".csv"), "", part.path});
  }
  entries.push_back({summary.table.name, static_cast<int32_t>(summary.table.cells.size()) - 1, summary.total_ytd,
                     summary.total_month, Sha256Hex(summary_csv)});
  files.push_back({summary.table.name + ".csv", summary_csv, ""});
  Description d = Describe(s.head, "", entries);
  files.push_back({"manifest.json", d.json.dump(2), ""});
  if (absl::Status zipped = Zip(files, static_cast<time_t>(s.head.snapshot_time().seconds()), zip_path); !zipped.ok()) {
    return zipped;
  }
  d.out.mutable_file()->set_file_name(FileStem(s.head) + ".zip");
  d.out.mutable_file()->set_content_type("application/zip");
  return std::move(d.out);
}

absl::StatusOr<gw::GetProvincialPackageResponse> BuildProvincialPackage(
    const st::GetProvincialPackageResponse& snapshot, const std::string& format, const std::string& city_unit) {
  if (format.empty() || format == "csv") {
    CsvPackageWriter writer(snapshot);
    for (const auto& row : snapshot.rows()) {
      if (absl::Status s = writer.Add(row); !s.ok()) return s;
    }
    auto path = TemporaryFile("saima-package");
    if (!path.ok()) return path.status();
    auto out = writer.Finish(*path);
    if (out.ok()) {
      std::ifstream in(*path, std::ios::binary);
      out->mutable_file()->set_content(std::string(std::istreambuf_iterator<char>(in), {}));
    }
    std::remove(path->c_str());
    return out;
  }
  if (format != "xlsx") return InvalidField("format", "must be csv or xlsx", "报表包格式应为 csv 或 xlsx");
  const std::string reporting_unit = ReportingUnit(snapshot, city_unit);
  std::vector<Form> forms;
  for (const FormSpec& spec : kForms) {
    auto form = ProjectTable(spec, snapshot, reporting_unit);
    if (!form.ok()) return form.status();
    forms.push_back(*std::move(form));
  }
  forms.push_back(SummaryTable(snapshot, reporting_unit));
  std::vector<Entry> entries;
  std::vector<Table> sheets;
  for (const auto& [t, total_ytd, total_month] : forms) {
    sheets.push_back(t);
    // The checksum of the table's CSV file, the same in both formats.
    entries.push_back({t.name, static_cast<int32_t>(t.cells.size()) - 1, total_ytd, total_month,
                       Sha256Hex(kByteOrderMark + ToCsv(t))});
  }
  Description d = Describe(snapshot, reporting_unit, entries);
  sheets.push_back(d.manifest);
  auto xlsx = ToXlsx(sheets, static_cast<time_t>(snapshot.snapshot_time().seconds()));
  if (!xlsx.ok()) return xlsx.status();
  d.out.mutable_file()->set_file_name(FileStem(snapshot) + ".xlsx");
  d.out.mutable_file()->set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  d.out.mutable_file()->set_content(*std::move(xlsx));
  return std::move(d.out);
}

}  // namespace saima::gateway
