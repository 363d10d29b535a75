#ifndef SAIMA_SERVICES_SCORING_CONTEST_RULES_H_
#define SAIMA_SERVICES_SCORING_CONTEST_RULES_H_

// The contest's rules (DOMAIN.md §5), free of gRPC and SQL: what a campaign must contain, which projects may be
// nominated for observation, and what a score sheet may hold.

#include <string>
#include <vector>

#include "common/status.h"
#include "saima/registry/v1/registry.pb.h"
#include "saima/scoring/v1/scoring.pb.h"

namespace saima::scoring {

namespace pb = ::saima::scoring::v1;
namespace reg = ::saima::registry::v1;

// The default criteria: 项目谋划 20, 投资进度 30, 质量效益 30, 创新亮点 20, each scored 0–100.
std::vector<pb::Criterion> DefaultCriteria();

// Fills the defaults (criteria, TRIMMED_MEAN) and checks the campaign; violations name fields under "campaign.".
// `known_units` are the registry's unit ids.
absl::Status NormalizeCampaign(pb::Campaign& campaign, const std::vector<std::string>& known_units);

// The pool of a unit, or nullptr when the unit does not take part.
const pb::Pool* PoolOf(const pb::Campaign& campaign, const std::string& unit_id);

// What eligibility is judged on.
struct NominationFacts {
  reg::Project project;
  std::vector<reg::Document> documents;
  // Years of earlier campaigns in which the project was selected.
  std::vector<int> shown_in_years;
};

// The rules a nominated project fails, each as "rule: 说明", empty when eligible:
//  unit      — the project's unit takes part in the campaign;
//  stage     — 在建, 竣工 or 投产;
//  nature    — 新建 or 技改 (工业技改 or marked as technical renovation);
//  date      — started on or after the campaign's eligible_since;
//  documents — 项目审批核准备案文件 (or an explained stand-in) and, except for 单纯购置, 施工许可证;
//  shown     — not selected in an earlier campaign.
std::vector<std::string> FailedRules(const pb::Campaign& campaign, const NominationFacts& facts);

// Checks a sheet being saved (`complete` false) or submitted (`complete` true): known criteria, scores within each
// criterion's range, and with `complete` every criterion scored.
absl::Status CheckSheet(const pb::Campaign& campaign, const pb::ScoreSheet& sheet, bool complete);

}  // namespace saima::scoring

#endif  // SAIMA_SERVICES_SCORING_CONTEST_RULES_H_
