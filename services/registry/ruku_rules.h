#ifndef SAIMA_SERVICES_REGISTRY_RUKU_RULES_H_
#define SAIMA_SERVICES_REGISTRY_RUKU_RULES_H_

// The 入库 state machine of DOMAIN.md §4, as a pure function of the caller, the project and the application:
//   DRAFT → SUBMITTED → DEPT_REVIEWED → STATS_REVIEW → [≥1亿 PROVINCE_REVIEW] → [≥10亿 NBS_REVIEW] → APPROVED,
// RETURNED (补正, back to the unit) and REJECTED from any review step, RETURNED → SUBMITTED again.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/caller.h"
#include "saima/registry/v1/registry.pb.h"

namespace saima::registry {

namespace pb = ::saima::registry::v1;

inline constexpr int64_t kRukuMinimumYuan = 5'000'000;         // 500万元
inline constexpr int64_t kProvinceReviewYuan = 100'000'000;    // 1亿元
inline constexpr int64_t kNationalReviewYuan = 1'000'000'000;  // 10亿元

// Facts the guards need beyond the project itself.
struct RukuFacts {
  // The project's documents on file.
  std::vector<pb::Document> documents;
};

// The materials an application needs before it is submitted (DOMAIN.md §4), as Chinese names of what is missing:
//  - 单纯购置: 购置合同, 付款凭证, 到货照片;
//  - otherwise: 现场照片, 施工合同, and 项目审批核准备案文件 — which 施工许可证, 设计文件 or 可研报告 may replace when
//    that document carries an explanation;
//  - from 1亿元 (provincial review) [default]: also 施工许可证, 设计文件 and 可研报告.
std::vector<std::string> MissingMaterials(const pb::Project& project, const RukuFacts& facts);

// The refusal of a request id that recorded another request than the one it comes with now (another caller's,
// another step, another application or project): INVALID_ARGUMENT naming request_id, telling nothing of the other.
absl::Status RequestIdUsedForAnotherRequest();

// OK when `caller` may move `application` of `project` to `to`. PERMISSION_DENIED names the role that may;
// FAILED_PRECONDITION names the broken rule (illegal step, guard); INVALID_ARGUMENT when a reason is missing.
absl::Status CheckRukuTransition(const Caller& caller, const pb::Project& project,
                                 const pb::RukuApplication& application, pb::RukuState to, const std::string& reason,
                                 const RukuFacts& facts);

// The steps that take an application from `from` to `target` for a project of `total` 元, as the state machine
// allows them: forward through the reviews its size requires; RETURNED by the 主管部门 once SUBMITTED, REJECTED by
// the bureau once under its review (or from the review it is in, when that is later). Empty when `target` is
// `from` or cannot be reached from it (such as 省级审核中 for a project under 1亿元); `reachable` tells which.
std::vector<pb::RukuState> RukuPath(pb::RukuState from, pb::RukuState target, int64_t total, bool* reachable);

// Consistency flags of DOMAIN.md §4 found when an application is submitted (Chinese, for reviewers).
std::vector<std::string> ConsistencyFlags(const pb::Project& project, const pb::Unit& unit,
                                          const pb::RukuApplication& application);

// The 应统尽统 light of a project started on `start` (YYYY-MM-DD) and still not 入库 on `as_of`: 黄 from the same day
// one month later (the last day of that month when it is shorter), 红 from two months. Also the whole months.
pb::MissingRukuLight MissingLight(const std::string& start, const std::string& as_of, int* whole_months);

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_RUKU_RULES_H_
