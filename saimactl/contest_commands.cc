#include "saimactl/contest_commands.h"

#include <fstream>
#include <iostream>
#include <map>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/digest.h"
#include "gateway/contest_export.h"
#include "google/protobuf/util/json_util.h"
#include "saimactl/csv_import.h"
#include "saimactl/table.h"

ABSL_FLAG(int, year, 0, "campaign list / lookback: the year");
ABSL_FLAG(bool, reject, false, "campaign review: reject instead of approve");
ABSL_FLAG(std::string, note, "", "campaign review: the note (required to reject)");
ABSL_FLAG(bool, submit, false, "campaign sheets: submit each sheet after saving it (final)");
ABSL_FLAG(std::string, csv, "", "campaign results: also write the table as CSV to this file");
ABSL_FLAG(std::string, xlsx, "", "campaign results: also write the table as XLSX to this file");
ABSL_DECLARE_FLAG(std::string, period);
ABSL_DECLARE_FLAG(std::string, format);

namespace saima::ctl {
namespace {

absl::StatusOr<int64_t> IdArg(const std::string& text, const char* what) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id <= 0) return Refused(what, "须为正整数编号");
  return id;
}

// Column index by header name; -1 when absent.
int Column(const CsvRow& header, const std::string& name) {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

const char* StateName(sc::NominationState state) {
  switch (state) {
    case sc::NOMINATION_STATE_NOMINATED:
      return "已推荐";
    case sc::NOMINATION_STATE_PRE_APPROVED:
      return "预审通过";
    case sc::NOMINATION_STATE_PRE_REJECTED:
      return "预审未通过";
    case sc::NOMINATION_STATE_SELECTED:
      return "观摩项目";
    default:
      return "";
  }
}

void PrintNominations(const google::protobuf::RepeatedPtrField<sc::Nomination>& nominations) {
  Table table({"编号", "项目", "单位", "状态", "不符合的条件"});
  for (const auto& n : nominations) {
    std::string failed;
    for (const auto& rule : n.failed_rules()) absl::StrAppend(&failed, failed.empty() ? "" : "；", rule);
    table.AddRow({absl::StrCat(n.nomination_id()), n.project_name(), n.unit_id(), StateName(n.state()),
                  failed.empty() ? "—" : failed});
  }
  std::cout << table.Render();
}

// A project given by 项目代码 (contains '-') or by its registry id.
absl::StatusOr<int64_t> ProjectId(Client& client, const std::string& text) {
  if (text.find('-') == std::string::npos) return IdArg(text, "PROJECT");
  reg::ListProjectsRequest request;
  request.mutable_filter()->set_project_code(text);
  reg::ListProjectsResponse response;
  if (absl::Status s = client.Call(&reg::RegistryService::Stub::ListProjects, request, &response); !s.ok()) return s;
  if (response.projects_size() != 1) return Refused("项目代码", absl::StrCat(text, " 未登记"));
  return response.projects(0).project_id();
}

int Create(Client& client, const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return Fail(text.status());
  sc::CreateCampaignRequest request;
  if (auto s = google::protobuf::util::JsonStringToMessage(*text, request.mutable_campaign()); !s.ok()) {
    return Fail(Refused(path, absl::StrCat("不是有效的 Campaign JSON: ", std::string(s.message()))));
  }
  request.set_request_id(
      absl::StrCat("campaign-file:", Sha256Hex(*text).substr(0, 40)));  // the same file: the same campaign
  sc::CreateCampaignResponse response;
  if (absl::Status s = client.Call(&sc::ScoringService::Stub::CreateCampaign, request, &response); !s.ok()) {
    return Fail(s);
  }
  int units = 0;
  for (const auto& pool : response.campaign().pools()) units += pool.unit_ids_size();
  // A file already loaded returns the campaign it created, in whatever state it has reached since.
  const char* state = response.campaign().published() ? "已发布" : "已创建";
  std::cout << "赛马活动 " << response.campaign().campaign_id() << " " << state << ": " << response.campaign().name()
            << ", " << units << " 个参赛单位, " << response.campaign().criteria_size() << " 项评分指标\n";
  return 0;
}

int Judges(Client& client, int64_t campaign, const std::string& path) {
  auto rows = ReadTable(path);
  if (!rows.ok()) return Fail(rows.status());
  if (rows->empty()) return Fail(Refused(path, "文件为空"));
  const CsvRow& header = (*rows)[0];
  const int id = Column(header, "评委编号"), name = Column(header, "姓名"), title = Column(header, "职务"),
            unit = Column(header, "所在单位");
  if (id < 0 || name < 0) return Fail(Refused(path, "须有 评委编号、姓名 两列"));
  int added = 0;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    sc::AddJudgeRequest request;
    request.set_campaign_id(campaign);
    request.mutable_judge()->set_judge_id(row[id]);
    request.mutable_judge()->set_name(row[name]);
    if (title >= 0) request.mutable_judge()->set_title(row[title]);
    if (unit >= 0) request.mutable_judge()->set_unit_id(row[unit]);
    sc::AddJudgeResponse response;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::AddJudge, request, &response); !s.ok()) {
      std::cerr << "第 " << r + 1 << " 行: ";
      return Fail(s);
    }
    ++added;
  }
  std::cout << "评委 " << added << " 名\n";
  return 0;
}

int Sheets(Client& client, int64_t campaign_id, const std::string& path) {
  sc::GetCampaignRequest get;
  get.set_campaign_id(campaign_id);
  sc::GetCampaignResponse campaign;
  if (absl::Status s = client.Call(&sc::ScoringService::Stub::GetCampaign, get, &campaign); !s.ok()) return Fail(s);
  auto rows = ReadTable(path);
  if (!rows.ok()) return Fail(rows.status());
  if (rows->empty()) return Fail(Refused(path, "文件为空"));
  const CsvRow& header = (*rows)[0];
  const int judge = Column(header, "评委编号"), unit = Column(header, "单位代码");
  if (judge < 0 || unit < 0) return Fail(Refused(path, "须有 评委编号、单位代码 两列"));
  std::map<std::string, int> criteria;  // criterion id → column
  for (const auto& c : campaign.campaign().criteria()) {
    const int column = Column(header, c.name());
    if (column < 0) return Fail(Refused(path, absl::StrCat("缺少评分指标列 ", c.name())));
    criteria[c.criterion_id()] = column;
  }
  std::vector<RowError> errors;
  int saved = 0;
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    const int line = static_cast<int>(r) + 1;
    sc::SaveScoreSheetRequest request;
    auto* sheet = request.mutable_sheet();
    sheet->set_campaign_id(campaign_id);
    sheet->set_judge_id(row[judge]);
    sheet->set_unit_id(row[unit]);
    bool ok = true;
    for (const auto& [id, column] : criteria) {
      int score = 0;
      if (!absl::SimpleAtoi(row[column], &score)) {
        errors.push_back({line, header[column], "须为整数分值"});
        ok = false;
      }
      (*sheet->mutable_scores())[id] = score;
    }
    if (!ok) continue;
    auto report = [&](const absl::Status& s) {
      auto fields = FieldViolationsOf(s);
      if (fields.empty()) errors.push_back({line, "-", ChineseMessageOf(s)});
      for (const auto& f : fields) errors.push_back({line, f.field, f.localized.empty() ? f.description : f.localized});
    };
    sc::SaveScoreSheetResponse saved_sheet;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::SaveScoreSheet, request, &saved_sheet); !s.ok()) {
      report(s);
      continue;
    }
    if (absl::GetFlag(FLAGS_submit)) {
      sc::SubmitScoreSheetRequest submit;
      submit.set_campaign_id(campaign_id);
      submit.set_judge_id(sheet->judge_id());
      submit.set_unit_id(sheet->unit_id());
      sc::SubmitScoreSheetResponse submitted;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::SubmitScoreSheet, submit, &submitted); !s.ok()) {
        report(s);
        continue;
      }
    }
    ++saved;
    Progress(r, rows->size() - 1);
  }
  std::cout << "评分表 " << saved << " 份" << (absl::GetFlag(FLAGS_submit) ? "已提交" : "已保存") << ", "
            << errors.size() << " 处错误\n";
  for (const auto& e : errors) std::cout << "  第 " << e.line << " 行 [" << e.column << "] " << e.rule << "\n";
  return errors.empty() ? 0 : 1;
}

int Results(Client& client, int64_t campaign_id) {
  sc::GetResultsRequest request;
  request.set_campaign_id(campaign_id);
  sc::GetResultsResponse response;
  if (absl::Status s = client.Call(&sc::ScoringService::Stub::GetResults, request, &response); !s.ok()) return Fail(s);
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  const gateway::Table table = gateway::ResultsTable(response.campaign(), response.results());
  Table printed(table.cells[0]);
  for (size_t r = 1; r < table.cells.size(); ++r) printed.AddRow(table.cells[r]);
  std::cout << response.campaign().name() << (response.published() ? " (已发布)" : " (未发布, 仅供组织方核对)") << "\n"
            << printed.Render();
  if (!absl::GetFlag(FLAGS_csv).empty()) {
    std::ofstream(absl::GetFlag(FLAGS_csv), std::ios::binary) << "\xEF\xBB\xBF" << gateway::ToCsv(table);
    std::cout << "已写出 " << absl::GetFlag(FLAGS_csv) << "\n";
  }
  if (!absl::GetFlag(FLAGS_xlsx).empty()) {
    auto xlsx = gateway::ToXlsx({table});
    if (!xlsx.ok()) return Fail(xlsx.status());
    std::ofstream(absl::GetFlag(FLAGS_xlsx), std::ios::binary) << *xlsx;
    std::cout << "已写出 " << absl::GetFlag(FLAGS_xlsx) << "\n";
  }
  return 0;
}

}  // namespace

int Campaign(Client& client, const std::vector<std::string>& words) {
  const std::string verb = words.size() > 1 ? words[1] : "";
  if (verb == "create" && words.size() == 3) return Create(client, words[2]);
  if (verb == "list") {
    sc::ListCampaignsRequest request;
    request.set_year(absl::GetFlag(FLAGS_year));
    sc::ListCampaignsResponse response;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::ListCampaigns, request, &response); !s.ok()) {
      return Fail(s);
    }
    Table table({"编号", "年度", "名称", "评委", "状态"});
    for (const auto& c : response.campaigns()) {
      table.AddRow({absl::StrCat(c.campaign_id()), absl::StrCat(c.year()), c.name(), absl::StrCat(c.judges_size()),
                    c.published() ? "已发布" : (c.selection_final() ? "评分中" : "遴选中")});
    }
    std::cout << table.Render();
    return 0;
  }
  if (words.size() < 3) return Fail(Refused("campaign", "缺少编号"));
  auto id = IdArg(words[2], verb == "review" ? "NOMINATION_ID" : "CAMPAIGN_ID");
  if (!id.ok()) return Fail(id.status());
  if (verb == "judges" && words.size() == 4) return Judges(client, *id, words[3]);
  if (verb == "sheets" && words.size() == 4) return Sheets(client, *id, words[3]);
  if (verb == "results") return Results(client, *id);
  if (verb == "nominate") {
    int failed = 0;
    for (size_t i = 3; i < words.size(); ++i) {
      auto project = ProjectId(client, words[i]);
      if (!project.ok()) return Fail(project.status());
      sc::NominateProjectRequest request;
      request.set_campaign_id(*id);
      request.set_project_id(*project);
      request.set_request_id(absl::StrCat("nominate:", *id, ":", *project));
      sc::NominateProjectResponse response;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::NominateProject, request, &response); !s.ok()) {
        return Fail(s);
      }
      if (response.nomination().failed_rules_size() > 0) ++failed;
    }
    std::cout << "推荐 " << words.size() - 3 << " 个项目, 其中 " << failed << " 个不符合遴选条件\n";
    return 0;
  }
  if (verb == "nominations") {
    sc::ListNominationsRequest request;
    request.set_campaign_id(*id);
    sc::ListNominationsResponse response;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::ListNominations, request, &response); !s.ok()) {
      return Fail(s);
    }
    PrintNominations(response.nominations());
    return 0;
  }
  if (verb == "review") {
    sc::ReviewNominationRequest request;
    request.set_nomination_id(*id);
    request.set_approve(!absl::GetFlag(FLAGS_reject));
    request.set_note(absl::GetFlag(FLAGS_note));
    sc::ReviewNominationResponse response;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::ReviewNomination, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cout << response.nomination().project_name() << ": " << StateName(response.nomination().state()) << "\n";
    return 0;
  }
  if (verb == "approve-eligible") {  // a department's batch pre-review: every eligible nomination still open
    sc::ListNominationsRequest list;
    list.set_campaign_id(*id);
    sc::ListNominationsResponse nominations;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::ListNominations, list, &nominations); !s.ok()) {
      return Fail(s);
    }
    int approved = 0;
    for (const auto& n : nominations.nominations()) {
      if (n.state() != sc::NOMINATION_STATE_NOMINATED || n.failed_rules_size() > 0) continue;
      sc::ReviewNominationRequest request;
      request.set_nomination_id(n.nomination_id());
      request.set_approve(true);
      request.set_note(absl::GetFlag(FLAGS_note));
      sc::ReviewNominationResponse response;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::ReviewNomination, request, &response); !s.ok()) {
        return Fail(s);
      }
      ++approved;
    }
    std::cout << "预审通过 " << approved << " 个推荐项目\n";
    return 0;
  }
  if (verb == "finalize") {
    sc::FinalizeSelectionRequest request;
    request.set_campaign_id(*id);
    for (size_t i = 3; i < words.size(); ++i) {
      auto nomination = IdArg(words[i], "NOMINATION_ID");
      if (!nomination.ok()) return Fail(nomination.status());
      request.add_nomination_ids(*nomination);
    }
    if (request.nomination_ids_size() == 0) {
      sc::ListNominationsRequest list;
      list.set_campaign_id(*id);
      sc::ListNominationsResponse nominations;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::ListNominations, list, &nominations); !s.ok()) {
        return Fail(s);
      }
      for (const auto& n : nominations.nominations()) {
        if (n.state() == sc::NOMINATION_STATE_PRE_APPROVED || n.state() == sc::NOMINATION_STATE_SELECTED) {
          request.add_nomination_ids(n.nomination_id());
        }
      }
    }
    sc::FinalizeSelectionResponse response;
    if (absl::Status s = client.Call(&sc::ScoringService::Stub::FinalizeSelection, request, &response); !s.ok()) {
      return Fail(s);
    }
    std::cout << "观摩项目名单已确定: " << response.selected_size() << " 个\n";
    PrintNominations(response.selected());
    return 0;
  }
  if (verb == "compute" || verb == "publish") {
    google::protobuf::RepeatedPtrField<sc::Result> results;
    if (verb == "compute") {
      sc::ComputeResultsRequest request;
      request.set_campaign_id(*id);
      sc::ComputeResultsResponse response;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::ComputeResults, request, &response); !s.ok()) {
        return Fail(s);
      }
      results = response.results();
    } else {
      sc::PublishResultsRequest request;
      request.set_campaign_id(*id);
      sc::PublishResultsResponse response;
      if (absl::Status s = client.Call(&sc::ScoringService::Stub::PublishResults, request, &response); !s.ok()) {
        return Fail(s);
      }
      results = response.results();
    }
    std::cout << (verb == "compute" ? "已计算 " : "已发布并冻结 ") << results.size() << " 个单位的结果\n";
    return 0;
  }
  return Fail(Refused("campaign",
                      "须为 create/list/judges/nominate/nominations/review/finalize/sheets/"
                      "compute/publish/results 之一"));
}

int LookBack(Client& client) {
  sc::GetLookBackRequest request;
  request.set_year(absl::GetFlag(FLAGS_year));
  request.set_period(absl::GetFlag(FLAGS_period));
  sc::GetLookBackResponse response;
  if (absl::Status s = client.Call(&sc::ScoringService::Stub::GetLookBack, request, &response); !s.ok()) {
    return Fail(s);
  }
  if (absl::GetFlag(FLAGS_format) == "json") return PrintJson(response);
  std::cout << request.year() << " 年谋划项目回头看 (截至 " << request.period() << "): 共 "
            << response.planned_projects() << " 个 (乡镇(街道) " << response.planned_by_townships() << " 个, 市直单位 "
            << response.planned_by_departments() << " 个), 已开工 " << response.started_projects() << " 个, 开工率 "
            << Percent(response.started_projects(), response.planned_projects()) << "\n";
  Table table({"上年名次", "单位", "谋划项目", "已开工", "开工率", "计划总投资(万元)", "累计完成(万元)", "完成比例"});
  for (const auto& e : response.entries()) {
    table.AddRow({e.last_rank() ? absl::StrCat(e.last_rank()) : "—",
                  e.unit_name().empty() ? e.unit_id() : e.unit_name(), absl::StrCat(e.planned_projects()),
                  absl::StrCat(e.started_projects()), Percent(e.started_projects(), e.planned_projects()),
                  Wan(e.planned_investment_yuan()), Wan(e.invested_to_date_yuan()),
                  Percent(e.invested_to_date_yuan(), e.planned_investment_yuan())});
  }
  std::cout << table.Render();
  return 0;
}

}  // namespace saima::ctl
