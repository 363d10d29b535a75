#include "saimactl/csv_import.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/digest.h"
#include "common/names.h"
#include "common/status.h"
#include "common/xlsx.h"
#include "services/registry/ruku_rules.h"

namespace saima::ctl {
namespace {

const std::vector<std::string>& ProjectColumns() {
  static const auto* columns = new std::vector<std::string>{
      "项目代码", "项目名称",     "单位代码",       "行业代码",     "建设性质",     "控股情况",     "项目层级",
      "项目阶段", "谋划年度",     "计划总投资(元)", "计划开工日期", "实际开工日期", "计划竣工日期", "实际竣工日期",
      "建设地点", "行政区划代码", "技改",           "事业单位",     "退出原因"};
  return *columns;
}

// Column name → index, from the header row. Unknown headers are an error for the whole file.
absl::StatusOr<std::map<std::string, size_t>> HeaderIndex(const CsvRow& header, const std::vector<std::string>& known,
                                                          const std::vector<std::string>& required) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < header.size(); ++i) {
    std::string name(absl::StripAsciiWhitespace(header[i]));
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("第1行: 未知的列名 '", name, "'; 可用列: ", absl::StrJoin(known, ",")));
    }
    index[name] = i;
  }
  for (const auto& name : required) {
    if (index.count(name) == 0) return absl::InvalidArgumentError(absl::StrCat("第1行: 缺少必需的列 '", name, "'"));
  }
  return index;
}

class RowReader {
 public:
  RowReader(const CsvRow& row, const std::map<std::string, size_t>& index) : row_(row), index_(index) {}
  std::string Get(const std::string& column) const {
    auto it = index_.find(column);
    if (it == index_.end() || it->second >= row_.size()) return "";
    return std::string(absl::StripAsciiWhitespace(row_[it->second]));
  }

 private:
  const CsvRow& row_;
  const std::map<std::string, size_t>& index_;
};

std::string Fingerprint(const CsvRow& row) { return Sha256Hex(absl::StrJoin(row, "\x1f")).substr(0, 32); }

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ReadTable(const std::string& path) {
  if (absl::EndsWith(path, ".xlsx")) return ReadXlsx(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("无法读取文件 ", path));
  std::stringstream text;
  text << in.rdbuf();
  bool converted = false;
  auto table = ReadTableBytes(text.str(), path, &converted);
  if (converted) std::cerr << "注意: " << path << " 不是 UTF-8 编码，已按 GB18030(中文版 Excel 的 CSV)读取\n";
  return table;
}

absl::StatusOr<std::vector<CsvRow>> ReadTableBytes(const std::string& bytes, const std::string& name, bool* converted) {
  *converted = false;
  // An .xlsx workbook is a zip archive: by its name or its first bytes.
  if (absl::EndsWith(name, ".xlsx") || absl::StartsWith(bytes, "PK\x03\x04")) return ReadXlsxBytes(bytes, name);
  auto utf8 = CsvTextAsUtf8(bytes, converted);
  if (!utf8.ok()) return utf8.status();
  return ParseCsv(*utf8);
}

namespace {

// The file's column of a field stats names in a refused row.
std::string MonthlyColumnOf(const std::string& field) {
  static const std::map<std::string, std::string> columns = {
      {"report.project_id", "项目代码"},
      {"report.period", "报告期"},
      {"report.month_yuan", "本月完成投资(元)"},
      {"report.ytd_yuan", "自年初累计(元)"},
      {"report.ytd_breakdown.construction_yuan", "建筑工程(元)"},
      {"report.ytd_breakdown.installation_yuan", "安装工程(元)"},
      {"report.ytd_breakdown.equipment_yuan", "设备工器具购置(元)"},
      {"report.ytd_breakdown.other_yuan", "其他费用(元)"},
      {"report.since_start_yuan", "自开始建设累计(元)"},
      {"report.explanation", "说明"}};
  auto it = columns.find(field);
  return it == columns.end() ? field : it->second;
}

}  // namespace

absl::StatusOr<MonthlyImport> ImportMonthlyTable(::saima::stats::v1::StatsService::Stub& stats,
                                                 grpc::ClientContext* context, const std::vector<CsvRow>& table,
                                                 const std::map<std::string, int64_t>& ids, bool import_valid_rows,
                                                 const std::function<void(size_t, size_t)>& progress) {
  namespace st = ::saima::stats::v1;
  auto rows = ParseMonthlyCsv(table);
  if (!rows.ok()) return rows.status();
  MonthlyImport result;
  result.rows = rows->size();
  std::vector<int> lines;  // file line of each streamed row
  st::ImportMonthlyReportsResponse response;
  auto writer = stats.ImportMonthlyReports(context, &response);
  st::ImportMonthlyReportsRequest message;
  message.set_import_valid_rows(import_valid_rows);
  for (size_t i = 0; i < rows->size(); ++i) {
    auto& row = (*rows)[i];
    if (row.errors.empty()) {
      if (auto it = ids.find(row.value.project_code); it == ids.end()) {
        row.errors.push_back(
            {row.line, "项目代码", absl::StrCat("项目代码 ", row.value.project_code, " 未在项目库中登记")});
      } else {
        *message.add_reports() = row.value.report;
        message.mutable_reports()->rbegin()->set_project_id(it->second);
        lines.push_back(row.line);
      }
    }
    if (!row.errors.empty()) result.local_errors = true;
    result.errors.insert(result.errors.end(), row.errors.begin(), row.errors.end());
    if (message.reports_size() >= 1000 || i + 1 == rows->size()) {
      writer->Write(message);
      message.Clear();
    }
    if (progress) progress(i + 1, rows->size());
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) return FromGrpcStatus(status);
  for (const auto& e : response.errors()) {
    const int line = e.row() >= 1 && e.row() <= static_cast<int64_t>(lines.size()) ? lines[e.row() - 1] : 0;
    result.errors.push_back(
        {line, MonthlyColumnOf(e.field()), e.localized_rule().empty() ? e.rule() : e.localized_rule()});
  }
  std::stable_sort(result.errors.begin(), result.errors.end(),
                   [](const RowError& a, const RowError& b) { return a.line < b.line; });
  result.imported = response.rows_imported();
  return result;
}

std::string ProjectsCsvHeader() { return absl::StrJoin(ProjectColumns(), ","); }

absl::StatusOr<std::vector<ParsedRow<pb::Unit>>> ParseUnitsCsv(const std::vector<CsvRow>& table) {
  const std::vector<CsvRow>* rows = &table;
  if (rows->empty()) return absl::InvalidArgumentError("文件为空");
  auto index = HeaderIndex((*rows)[0], {"单位代码", "单位名称", "单位类型", "行政区划代码", "主管行业"},
                           {"单位代码", "单位名称", "单位类型", "行政区划代码"});
  if (!index.ok()) return index.status();
  std::vector<ParsedRow<pb::Unit>> out;
  for (size_t i = 1; i < rows->size(); ++i) {
    RowReader r((*rows)[i], *index);
    ParsedRow<pb::Unit> parsed{static_cast<int>(i + 1), {}, Fingerprint((*rows)[i]), {}};
    parsed.value.set_unit_id(r.Get("单位代码"));
    parsed.value.set_name(r.Get("单位名称"));
    pb::UnitType type;
    if (ParseDisplayName(r.Get("单位类型"), &type)) {
      parsed.value.set_type(type);
    } else {
      parsed.errors.push_back({parsed.line, "单位类型", "须为 乡镇/街道/市直单位/国企/开发区 之一"});
    }
    parsed.value.set_region_code(r.Get("行政区划代码"));
    parsed.value.set_supervises(r.Get("主管行业"));
    out.push_back(std::move(parsed));
  }
  return out;
}

absl::StatusOr<std::vector<ParsedRow<pb::Project>>> ParseProjectsCsv(const std::vector<CsvRow>& table) {
  const std::vector<CsvRow>* rows = &table;
  if (rows->empty()) return absl::InvalidArgumentError("文件为空");
  auto index = HeaderIndex((*rows)[0], ProjectColumns(),
                           {"项目名称", "单位代码", "行业代码", "建设性质", "控股情况", "项目阶段", "谋划年度"});
  if (!index.ok()) return index.status();
  std::vector<ParsedRow<pb::Project>> out;
  for (size_t i = 1; i < rows->size(); ++i) {
    if ((*rows)[i].size() == 1 && (*rows)[i][0].empty()) continue;  // blank line
    RowReader r((*rows)[i], *index);
    ParsedRow<pb::Project> parsed{static_cast<int>(i + 1), {}, Fingerprint((*rows)[i]), {}};
    pb::Project& p = parsed.value;
    auto error = [&parsed](const char* column, const char* rule) {
      parsed.errors.push_back({parsed.line, column, rule});
    };
    p.set_project_code(r.Get("项目代码"));
    p.set_name(r.Get("项目名称"));
    p.set_unit_id(r.Get("单位代码"));
    p.set_industry_code(r.Get("行业代码"));
    pb::ConstructionNature nature;
    if (ParseDisplayName(r.Get("建设性质"), &nature)) {
      p.set_construction_nature(nature);
    } else {
      error("建设性质", "须为 新建/扩建/改建和技术改造/单纯建造生活设施/迁建/恢复/单纯购置 之一");
    }
    pb::Ownership ownership;
    if (ParseDisplayName(r.Get("控股情况"), &ownership)) {
      p.set_ownership(ownership);
    } else {
      error("控股情况", "须为 国有/集体/私人/港澳台/外商/其他 之一");
    }
    for (absl::string_view name : absl::StrSplit(r.Get("项目层级"), '|', absl::SkipWhitespace())) {
      pb::ProjectTier tier;
      if (ParseDisplayName(std::string(absl::StripAsciiWhitespace(name)), &tier)) {
        p.add_tiers(tier);
      } else {
        error("项目层级", "含未知层级; 可用: 重点项目|重大项目|省重大项目|省市县长项目|双百工程|观摩项目");
      }
    }
    pb::ProjectStage stage;
    if (ParseDisplayName(r.Get("项目阶段"), &stage)) {
      p.set_stage(stage);
    } else {
      error("项目阶段", "须为 谋划/前期/在建/竣工/投产/停缓建/退出 之一");
    }
    int year = 0;
    if (absl::SimpleAtoi(r.Get("谋划年度"), &year)) {
      p.set_planning_year(year);
    } else {
      error("谋划年度", "须为四位年份");
    }
    const std::string amount = r.Get("计划总投资(元)");
    int64_t yuan = 0;
    if (!amount.empty() && !absl::SimpleAtoi(amount, &yuan)) {
      error("计划总投资(元)", "须为以元为单位的整数");
    }
    p.set_planned_total_investment_yuan(yuan);
    p.set_planned_start_date(r.Get("计划开工日期"));
    p.set_actual_start_date(r.Get("实际开工日期"));
    p.set_planned_completion_date(r.Get("计划竣工日期"));
    p.set_actual_completion_date(r.Get("实际竣工日期"));
    p.set_location(r.Get("建设地点"));
    p.set_region_code(r.Get("行政区划代码"));
    p.set_technical_renovation(r.Get("技改") == "是");
    p.set_public_institution(r.Get("事业单位") == "是");
    p.set_withdrawal_reason(r.Get("退出原因"));
    out.push_back(std::move(parsed));
  }
  return out;
}

bool ParsePercentMilli(const std::string& text, int64_t* out) {
  std::string t(absl::StripAsciiWhitespace(text));
  bool negative = false;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) {
    negative = t[0] == '-';
    t = t.substr(1);
  }
  const auto dot = t.find('.');
  std::string whole = t.substr(0, dot);
  std::string fraction = dot == std::string::npos ? "" : t.substr(dot + 1);
  if (whole.empty() || fraction.size() > 3) return false;
  fraction.resize(3, '0');
  int64_t w = 0, f = 0;
  if (!absl::SimpleAtoi(whole, &w) || !absl::SimpleAtoi(fraction, &f) || w < 0 || f < 0) return false;
  *out = (negative ? -1 : 1) * (w * 1000 + f);
  return true;
}

namespace {

// Reads a file of statistics rows: header check, then `fill` per data row.
template <typename T, typename Fill>
absl::StatusOr<std::vector<ParsedRow<T>>> ParseRows(const std::vector<CsvRow>& table,
                                                    const std::vector<std::string>& columns, Fill fill,
                                                    const std::vector<std::string>& optional = {}) {
  const std::vector<CsvRow>* rows = &table;
  if (rows->empty()) return absl::InvalidArgumentError("文件为空");
  std::vector<std::string> known = columns;
  known.insert(known.end(), optional.begin(), optional.end());
  auto index = HeaderIndex((*rows)[0], known, columns);
  if (!index.ok()) return index.status();
  std::vector<ParsedRow<T>> out;
  for (size_t i = 1; i < rows->size(); ++i) {
    if ((*rows)[i].size() == 1 && (*rows)[i][0].empty()) continue;
    RowReader r((*rows)[i], *index);
    ParsedRow<T> parsed{static_cast<int>(i + 1), {}, Fingerprint((*rows)[i]), {}};
    fill(r, parsed);
    out.push_back(std::move(parsed));
  }
  return out;
}

template <typename T>
void Amount(const RowReader& r, ParsedRow<T>& parsed, const char* column, int64_t* out) {
  if (!absl::SimpleAtoi(r.Get(column), out)) parsed.errors.push_back({parsed.line, column, "须为以元为单位的整数"});
}

}  // namespace

absl::StatusOr<std::vector<ParsedRow<RukuRow>>> ParseRukuCsv(const std::vector<CsvRow>& table) {
  return ParseRows<RukuRow>(
      table, {"项目代码", "主管部门", "入库日期"},
      [](const RowReader& r, auto& parsed) {
        parsed.value = {r.Get("项目代码"), r.Get("主管部门"), r.Get("入库日期"), registry::pb::RUKU_STATE_APPROVED,
                        r.Get("原因")};
        const std::string target = r.Get("目标状态");
        // An approval needs its date: an empty 入库日期 is not taken to mean today.
        const auto need_date = [&parsed] {
          if (parsed.value.target == registry::pb::RUKU_STATE_APPROVED && parsed.value.ruku_date.empty()) {
            parsed.errors.push_back({parsed.line, "入库日期", "已入库的记录须填写入库日期(YYYY-MM-DD)"});
          }
        };
        if (target.empty()) return need_date();
        bool known = false;
        for (int s = registry::pb::RUKU_STATE_DRAFT; s <= registry::pb::RUKU_STATE_REJECTED; ++s) {
          if (target == DisplayNameOf(static_cast<registry::pb::RukuState>(s))) {
            parsed.value.target = static_cast<registry::pb::RukuState>(s);
            known = true;
          }
        }
        if (!known)
          parsed.errors.push_back(
              {parsed.line, "目标状态", "须为 草稿/已提交/主管部门已审核/统计局审核中/已入库/退回补正/不予入库 等"});
        need_date();
        // A return or rejection is recorded with its reason in the audited history: it comes from the file.
        if ((parsed.value.target == registry::pb::RUKU_STATE_RETURNED ||
             parsed.value.target == registry::pb::RUKU_STATE_REJECTED) &&
            parsed.value.reason.empty()) {
          parsed.errors.push_back({parsed.line, "原因", "退回补正、不予入库的记录须填写原因"});
        }
      },
      {"目标状态", "原因"});
}

absl::StatusOr<std::vector<ParsedRow<DocumentRow>>> ParseDocumentsCsv(const std::vector<CsvRow>& table) {
  return ParseRows<DocumentRow>(
      table,
      {"项目代码", "材料类型", "文号", "发文机关", "日期", "内容SHA256", "存储位置", "说明", "拍摄时间", "拍摄地点"},
      [](const RowReader& r, auto& parsed) {
        parsed.value.project_code = r.Get("项目代码");
        auto& d = parsed.value.document;
        bool known = false;
        for (int t = pb::DOCUMENT_TYPE_APPROVAL; t <= pb::DOCUMENT_TYPE_DELIVERY_PHOTO; ++t) {
          if (r.Get("材料类型") == DisplayNameOf(static_cast<pb::DocumentType>(t))) {
            d.set_type(static_cast<pb::DocumentType>(t));
            known = true;
          }
        }
        if (!known)
          parsed.errors.push_back({parsed.line, "材料类型", "须为 现场照片/施工合同/项目审批核准备案文件 等材料名称"});
        d.set_number(r.Get("文号"));
        d.set_issuer(r.Get("发文机关"));
        d.set_issued_date(r.Get("日期"));
        d.set_content_sha256(r.Get("内容SHA256"));
        d.set_storage_ref(r.Get("存储位置"));
        d.set_explanation(r.Get("说明"));
        d.set_taken_at(r.Get("拍摄时间"));
        d.set_taken_place(r.Get("拍摄地点"));
      });
}

absl::StatusOr<std::vector<ParsedRow<PlanRow>>> ParsePlansCsv(const std::vector<CsvRow>& table) {
  return ParseRows<PlanRow>(table, {"项目代码", "年度", "年度计划投资(元)"}, [](const RowReader& r, auto& parsed) {
    parsed.value.project_code = r.Get("项目代码");
    int year = 0;
    if (!absl::SimpleAtoi(r.Get("年度"), &year)) parsed.errors.push_back({parsed.line, "年度", "须为四位年份"});
    parsed.value.plan.set_year(year);
    int64_t yuan = 0;
    Amount(r, parsed, "年度计划投资(元)", &yuan);
    parsed.value.plan.set_planned_yuan(yuan);
  });
}

absl::StatusOr<std::vector<ParsedRow<MonthlyRow>>> ParseMonthlyCsv(const std::vector<CsvRow>& table) {
  return ParseRows<MonthlyRow>(table,
                               {"项目代码", "报告期", "本月完成投资(元)", "自年初累计(元)", "建筑工程(元)",
                                "安装工程(元)", "设备工器具购置(元)", "其他费用(元)", "自开始建设累计(元)"},
                               [](const RowReader& r, auto& parsed) {
                                 parsed.value.project_code = r.Get("项目代码");
                                 auto& m = parsed.value.report;
                                 m.set_period(r.Get("报告期"));
                                 int64_t v = 0;
                                 Amount(r, parsed, "本月完成投资(元)", &v);
                                 m.set_month_yuan(v);
                                 Amount(r, parsed, "自年初累计(元)", &v);
                                 m.set_ytd_yuan(v);
                                 Amount(r, parsed, "建筑工程(元)", &v);
                                 m.mutable_ytd_breakdown()->set_construction_yuan(v);
                                 Amount(r, parsed, "安装工程(元)", &v);
                                 m.mutable_ytd_breakdown()->set_installation_yuan(v);
                                 Amount(r, parsed, "设备工器具购置(元)", &v);
                                 m.mutable_ytd_breakdown()->set_equipment_yuan(v);
                                 Amount(r, parsed, "其他费用(元)", &v);
                                 m.mutable_ytd_breakdown()->set_other_yuan(v);
                                 Amount(r, parsed, "自开始建设累计(元)", &v);
                                 m.set_since_start_yuan(v);
                                 // 核实性审核: the 说明 of a figure the rules flag (optional column).
                                 m.set_explanation(r.Get("说明"));
                               },
                               {"说明"});
}

absl::StatusOr<std::vector<ParsedRow<::saima::stats::v1::PeerFigure>>> ParsePeersCsv(const std::vector<CsvRow>& table) {
  namespace st = ::saima::stats::v1;
  return ParseRows<st::PeerFigure>(
      table, {"行政区划代码", "报告期", "指标", "同比增速(%)"}, [](const RowReader& r, auto& parsed) {
        auto& f = parsed.value;
        f.set_region_code(r.Get("行政区划代码"));
        f.set_period(r.Get("报告期"));
        static const std::map<std::string, st::Category> kNames = {
            {"固定资产投资", st::CATEGORY_UNSPECIFIED},
            {"民间投资", st::CATEGORY_PRIVATE},
            {"国有投资", st::CATEGORY_STATE},
            {"工业技改投资", st::CATEGORY_INDUSTRIAL_RENOVATION},
            {"制造业投资", st::CATEGORY_MANUFACTURING},
            {"交通能源水利投资", st::CATEGORY_TRANSPORT_ENERGY_WATER},
            {"高新技术产业投资", st::CATEGORY_HIGH_TECH},
            {"建安投资", st::CATEGORY_CONSTRUCTION_INSTALLATION},
            {"第一产业投资", st::CATEGORY_PRIMARY},
            {"第二产业投资", st::CATEGORY_SECONDARY},
            {"第三产业投资", st::CATEGORY_TERTIARY}};
        auto it = kNames.find(r.Get("指标"));
        if (it == kNames.end()) {
          parsed.errors.push_back({parsed.line, "指标",
                                   "须为 固定资产投资/民间投资/国有投资/工业技改投资/制造业投资/"
                                   "交通能源水利投资/高新技术产业投资/建安投资 等"});
        } else {
          f.set_category(it->second);
        }
        int64_t milli = 0;
        if (!ParsePercentMilli(r.Get("同比增速(%)"), &milli)) {
          parsed.errors.push_back({parsed.line, "同比增速(%)", "须为百分数, 如 12.3 或 -3.5"});
        }
        f.set_yoy_growth_milli_percent(milli);
      });
}

}  // namespace saima::ctl
