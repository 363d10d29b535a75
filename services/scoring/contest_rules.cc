#include "services/scoring/contest_rules.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/names.h"
#include "common/period.h"
#include "services/registry/project_rules.h"

namespace saima::scoring {
namespace {

bool HasDocument(const std::vector<reg::Document>& documents, reg::DocumentType type, bool explained) {
  for (const auto& d : documents) {
    if (d.type() == type && (!explained || !d.explanation().empty())) return true;
  }
  return false;
}

}  // namespace

std::vector<pb::Criterion> DefaultCriteria() {
  std::vector<pb::Criterion> out;
  for (const auto& [id, name, weight] : {std::tuple{"planning", "项目谋划", 20},
                                         {"progress", "投资进度", 30},
                                         {"quality", "质量效益", 30},
                                         {"innovation", "创新亮点", 20}}) {
    pb::Criterion& c = out.emplace_back();
    c.set_criterion_id(id);
    c.set_name(name);
    c.set_weight(weight);
    c.set_min_score(0);
    c.set_max_score(100);
  }
  return out;
}

absl::Status NormalizeCampaign(pb::Campaign& c, const std::vector<std::string>& known_units) {
  if (c.criteria_size() == 0) {
    for (auto& criterion : DefaultCriteria()) *c.add_criteria() = std::move(criterion);
  }
  if (c.method() == pb::AGGREGATION_METHOD_UNSPECIFIED) c.set_method(pb::AGGREGATION_METHOD_TRIMMED_MEAN);
  Violations v;
  if (c.year() < 2000 || c.year() > 2100)
    v.Add("campaign.year", "must be a year between 2000 and 2100", "年份应在 2000 至 2100 之间");
  if (c.name().empty()) v.Add("campaign.name", "is required", "活动名称必填");
  if (!pb::AggregationMethod_IsValid(c.method()))
    v.Add("campaign.method", "must be a known aggregation method", "计分方法无效");
  if (!Period::Parse(c.figures_period())) {
    v.Add("campaign.figures_period", "must be YYYY-MM with MM from 02 to 12 (the completion rates used for ties)",
          "取数月份应写作 YYYY-MM，月份为 02 至 12(同分时比较该月完成率)");
  }
  if (!c.eligible_since().empty() && !IsDate(c.eligible_since())) {
    v.Add("campaign.eligible_since", "must be a date YYYY-MM-DD", "观摩项目开工起算日期应写作 YYYY-MM-DD");
  }
  const std::set<std::string> known(known_units.begin(), known_units.end());
  std::set<std::string> pool_ids, units;
  if (c.pools_size() == 0) v.Add("campaign.pools", "at least one pool of units is required", "至少要有一个比拼组");
  for (int i = 0; i < c.pools_size(); ++i) {
    const pb::Pool& pool = c.pools(i);
    const std::string field = absl::StrCat("campaign.pools[", i, "]");
    if (pool.pool_id().empty()) v.Add(field + ".pool_id", "is required", "比拼组编号必填");
    if (!pool_ids.insert(pool.pool_id()).second)
      v.Add(field + ".pool_id", "must be unique in the campaign", "比拼组编号不能重复");
    if (pool.unit_ids_size() < 2)
      v.Add(field + ".unit_ids", "a pool compares at least two units", "每个比拼组至少两个单位");
    for (int j = 0; j < pool.unit_ids_size(); ++j) {
      const std::string& unit = pool.unit_ids(j);
      const std::string unit_field = absl::StrCat(field, ".unit_ids[", j, "]");
      if (!known.count(unit))
        v.Add(unit_field, absl::StrCat("unit ", unit, " does not exist"), absl::StrCat("单位“", unit, "”不存在"));
      if (!units.insert(unit).second)
        v.Add(unit_field, absl::StrCat("unit ", unit, " is in more than one pool"),
              absl::StrCat("单位“", unit, "”不能同时在两个比拼组"));
    }
  }
  int total_weight = 0;
  std::set<std::string> criterion_ids;
  for (int i = 0; i < c.criteria_size(); ++i) {
    const pb::Criterion& k = c.criteria(i);
    const std::string field = absl::StrCat("campaign.criteria[", i, "]");
    if (k.criterion_id().empty()) v.Add(field + ".criterion_id", "is required", "评分项编号必填");
    if (!criterion_ids.insert(k.criterion_id()).second)
      v.Add(field + ".criterion_id", "must be unique", "评分项编号不能重复");
    if (k.name().empty()) v.Add(field + ".name", "is required", "评分项名称必填");
    if (k.weight() <= 0) v.Add(field + ".weight", "must be positive", "评分项权重应为正数");
    if (k.min_score() < 0 || k.max_score() <= k.min_score()) {
      v.Add(field + ".max_score", "the range must satisfy 0 ≤ min_score < max_score",
            "分值范围应满足 0 ≤ 最低分 < 最高分");
    }
    total_weight += k.weight();
  }
  if (total_weight != 100)
    v.Add("campaign.criteria", absl::StrCat("the weights add up to ", total_weight, ", not 100"),
          absl::StrCat("各评分项权重之和为 ", total_weight, "，应为 100"));
  return v.ToStatus();
}

const pb::Pool* PoolOf(const pb::Campaign& campaign, const std::string& unit_id) {
  for (const auto& pool : campaign.pools()) {
    for (const auto& unit : pool.unit_ids()) {
      if (unit == unit_id) return &pool;
    }
  }
  return nullptr;
}

std::vector<std::string> FailedRules(const pb::Campaign& campaign, const NominationFacts& facts) {
  std::vector<std::string> failed;
  const reg::Project& p = facts.project;
  if (PoolOf(campaign, p.unit_id()) == nullptr) {
    failed.push_back(absl::StrCat("unit: 项目所属单位", p.unit_id(), "未参加本次赛马"));
  }
  if (p.stage() != reg::PROJECT_STAGE_CONSTRUCTION && p.stage() != reg::PROJECT_STAGE_COMPLETED &&
      p.stage() != reg::PROJECT_STAGE_IN_PRODUCTION) {
    failed.push_back(absl::StrCat("stage: 建设阶段须为在建、竣工或投产，当前为", DisplayNameOf(p.stage())));
  }
  if (p.construction_nature() != reg::CONSTRUCTION_NATURE_NEW && !p.technical_renovation() &&
      !p.industrial_renovation()) {
    failed.push_back("nature: 须为新建或技改项目");
  }
  if (p.actual_start_date().empty()) {
    failed.push_back("date: 尚未开工");
  } else if (!campaign.eligible_since().empty() && p.actual_start_date() < campaign.eligible_since()) {
    failed.push_back(
        absl::StrCat("date: 开工日期", p.actual_start_date(), "早于本次赛马要求的", campaign.eligible_since()));
  }
  std::vector<std::string> missing;
  const bool approval = HasDocument(facts.documents, reg::DOCUMENT_TYPE_APPROVAL, false) ||
                        HasDocument(facts.documents, reg::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, true) ||
                        HasDocument(facts.documents, reg::DOCUMENT_TYPE_DESIGN, true) ||
                        HasDocument(facts.documents, reg::DOCUMENT_TYPE_FEASIBILITY_STUDY, true);
  if (!approval) missing.push_back("项目审批核准备案文件");
  if (p.construction_nature() != reg::CONSTRUCTION_NATURE_PURCHASE_ONLY &&
      !HasDocument(facts.documents, reg::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, false)) {
    missing.push_back("施工许可证");
  }
  if (!missing.empty()) failed.push_back(absl::StrCat("documents: 缺少", absl::StrJoin(missing, "、")));
  for (int year : facts.shown_in_years) {
    if (year < campaign.year()) {
      failed.push_back(absl::StrCat("shown: 已在", year, "年度赛马中作为观摩项目"));
      break;
    }
  }
  return failed;
}

absl::Status CheckSheet(const pb::Campaign& campaign, const pb::ScoreSheet& sheet, bool complete) {
  Violations v;
  std::set<std::string> scored;
  for (const auto& [id, score] : sheet.scores()) scored.insert(id);
  for (const std::string& id : scored) {
    const pb::Criterion* criterion = nullptr;
    for (const auto& k : campaign.criteria()) {
      if (k.criterion_id() == id) criterion = &k;
    }
    const std::string field = absl::StrCat("sheet.scores[", id, "]");
    if (criterion == nullptr) {
      v.Add(field, "is not a criterion of the campaign", "不是本次赛马的评分项");
      continue;
    }
    const int score = sheet.scores().at(id);
    if (score < criterion->min_score() || score > criterion->max_score()) {
      v.Add(field,
            absl::StrCat("must be within ", criterion->min_score(), "–", criterion->max_score(), " (",
                         criterion->name(), ")"),
            absl::StrCat(criterion->name(), "的分数应在 ", criterion->min_score(), " 至 ", criterion->max_score(),
                         " 之间"));
    }
  }
  if (complete) {
    for (const auto& k : campaign.criteria()) {
      if (!scored.count(k.criterion_id())) {
        v.Add(absl::StrCat("sheet.scores[", k.criterion_id(), "]"), absl::StrCat(k.name(), " is not scored yet"),
              absl::StrCat("“", k.name(), "”尚未打分"));
      }
    }
  }
  return v.ToStatus();
}

}  // namespace saima::scoring
