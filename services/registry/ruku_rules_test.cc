// The 入库 state machine as a pure function: roles per step, the guard, and each material rule.

#include "services/registry/ruku_rules.h"

#include "gtest/gtest.h"

namespace saima::registry {
namespace {

pb::Project Started(int64_t total, pb::ConstructionNature nature = pb::CONSTRUCTION_NATURE_NEW) {
  pb::Project p;
  p.set_unit_id("331181001");
  p.set_planned_total_investment_yuan(total);
  p.set_construction_nature(nature);
  p.set_actual_start_date("2023-02-01");
  return p;
}

pb::RukuApplication InState(pb::RukuState state) {
  pb::RukuApplication app;
  app.set_state(state);
  app.set_reviewing_department_id("D01");
  return app;
}

RukuFacts Documents(std::initializer_list<pb::DocumentType> types, const std::string& explanation = "") {
  RukuFacts facts;
  for (auto t : types) {
    pb::Document d;
    d.set_type(t);
    d.set_explanation(explanation);
    facts.documents.push_back(d);
  }
  return facts;
}

const Caller kStaff{"s", kRoleUnitStaff, "331181001"};
const Caller kReviewer{"r", kRoleDeptReviewer, "D01"};
const Caller kBureau{"b", kRoleStatsOfficer, ""};

absl::StatusCode Submit(const pb::Project& p, const RukuFacts& facts) {
  return CheckRukuTransition(kStaff, p, InState(pb::RUKU_STATE_DRAFT), pb::RUKU_STATE_SUBMITTED, "", facts).code();
}

TEST(RukuMaterialsTest, ConstructionNeedsPhotoContractAndApproval) {
  const auto small = Started(20'000'000);
  EXPECT_EQ(Submit(small, Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT,
                                     pb::DOCUMENT_TYPE_APPROVAL})),
            absl::StatusCode::kOk);
  EXPECT_EQ(Submit(small, Documents({pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, pb::DOCUMENT_TYPE_APPROVAL})),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Submit(small, Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_APPROVAL})),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(MissingMaterials(small, Documents({pb::DOCUMENT_TYPE_SITE_PHOTO})).size(), 2u);
}

TEST(RukuMaterialsTest, PermitDesignOrStudyStandsInForTheApprovalOnlyWithAnExplanation) {
  const auto small = Started(20'000'000);
  for (auto substitute :
       {pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, pb::DOCUMENT_TYPE_DESIGN, pb::DOCUMENT_TYPE_FEASIBILITY_STUDY}) {
    auto without = Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, substitute});
    EXPECT_EQ(Submit(small, without), absl::StatusCode::kFailedPrecondition) << substitute;
    auto with = Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT});
    auto explained = Documents({substitute}, "立项文件正在补办, 以施工许可证代替");
    with.documents.push_back(explained.documents[0]);
    EXPECT_EQ(Submit(small, with), absl::StatusCode::kOk) << substitute;
  }
}

TEST(RukuMaterialsTest, ProvincialSizeAddsPermitDesignAndStudy) {
  const auto big = Started(150'000'000);
  auto base =
      Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, pb::DOCUMENT_TYPE_APPROVAL});
  EXPECT_EQ(MissingMaterials(big, base).size(), 3u);
  auto full =
      Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, pb::DOCUMENT_TYPE_APPROVAL,
                 pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, pb::DOCUMENT_TYPE_DESIGN, pb::DOCUMENT_TYPE_FEASIBILITY_STUDY});
  EXPECT_EQ(Submit(big, full), absl::StatusCode::kOk);
}

TEST(RukuMaterialsTest, PurchaseOnlyNeedsContractVoucherAndDeliveryPhoto) {
  auto purchase = Started(20'000'000, pb::CONSTRUCTION_NATURE_PURCHASE_ONLY);
  purchase.clear_actual_start_date();
  EXPECT_EQ(Submit(purchase, Documents({pb::DOCUMENT_TYPE_PURCHASE_CONTRACT, pb::DOCUMENT_TYPE_PAYMENT_VOUCHER})),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Submit(purchase, Documents({pb::DOCUMENT_TYPE_PURCHASE_CONTRACT, pb::DOCUMENT_TYPE_PAYMENT_VOUCHER,
                                        pb::DOCUMENT_TYPE_DELIVERY_PHOTO})),
            absl::StatusCode::kOk);
}

TEST(RukuStepsTest, EachStepHasItsRoleAndSize) {
  const auto big = Started(150'000'000);
  const auto huge = Started(1'500'000'000);
  const RukuFacts none;
  EXPECT_EQ(CheckRukuTransition(kStaff, big, InState(pb::RUKU_STATE_SUBMITTED), pb::RUKU_STATE_DEPT_REVIEWED, "", none)
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      CheckRukuTransition(kReviewer, big, InState(pb::RUKU_STATE_SUBMITTED), pb::RUKU_STATE_DEPT_REVIEWED, "", none)
          .ok());
  EXPECT_TRUE(
      CheckRukuTransition(kBureau, big, InState(pb::RUKU_STATE_DEPT_REVIEWED), pb::RUKU_STATE_STATS_REVIEW, "", none)
          .ok());
  EXPECT_EQ(
      CheckRukuTransition(kBureau, big, InState(pb::RUKU_STATE_STATS_REVIEW), pb::RUKU_STATE_APPROVED, "", none).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckRukuTransition(kBureau, Started(90'000'000), InState(pb::RUKU_STATE_STATS_REVIEW),
                                  pb::RUKU_STATE_APPROVED, "", none)
                  .ok());
  EXPECT_TRUE(
      CheckRukuTransition(kBureau, huge, InState(pb::RUKU_STATE_PROVINCE_REVIEW), pb::RUKU_STATE_NBS_REVIEW, "", none)
          .ok());
  EXPECT_EQ(
      CheckRukuTransition(kBureau, huge, InState(pb::RUKU_STATE_PROVINCE_REVIEW), pb::RUKU_STATE_APPROVED, "", none)
          .code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckRukuTransition(kBureau, big, InState(pb::RUKU_STATE_STATS_REVIEW), pb::RUKU_STATE_REJECTED, "", none).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      CheckRukuTransition(kBureau, big, InState(pb::RUKU_STATE_STATS_REVIEW), pb::RUKU_STATE_REJECTED, "未开工", none)
          .ok());
  EXPECT_EQ(
      CheckRukuTransition(kBureau, big, InState(pb::RUKU_STATE_APPROVED), pb::RUKU_STATE_RETURNED, "x", none).code(),
      absl::StatusCode::kFailedPrecondition);
}

TEST(RukuGuardTest, SmallOrUnstartedProjectsCannotBeSubmitted) {
  auto small = Started(4'999'999);
  EXPECT_EQ(Submit(small, {}), absl::StatusCode::kFailedPrecondition);
  auto unstarted = Started(20'000'000);
  unstarted.clear_actual_start_date();
  EXPECT_EQ(Submit(unstarted, {}), absl::StatusCode::kFailedPrecondition);
}

// The path the CLI's import follows comes from the same machine the server checks: every step of every path is one
// CheckRukuTransition accepts (by the role acting at that step), and the sizes decide the reviews.
TEST(RukuPathTest, EveryStepIsOneTheStateMachineAccepts) {
  const RukuFacts all =
      Documents({pb::DOCUMENT_TYPE_SITE_PHOTO, pb::DOCUMENT_TYPE_CONSTRUCTION_CONTRACT, pb::DOCUMENT_TYPE_APPROVAL,
                 pb::DOCUMENT_TYPE_CONSTRUCTION_PERMIT, pb::DOCUMENT_TYPE_DESIGN, pb::DOCUMENT_TYPE_FEASIBILITY_STUDY});
  int paths = 0;
  for (int64_t total : {20'000'000LL, 300'000'000LL, 2'000'000'000LL}) {
    for (int f = pb::RUKU_STATE_DRAFT; f <= pb::RUKU_STATE_REJECTED; ++f) {
      for (int t = pb::RUKU_STATE_SUBMITTED; t <= pb::RUKU_STATE_REJECTED; ++t) {
        const auto from = static_cast<pb::RukuState>(f), target = static_cast<pb::RukuState>(t);
        bool reachable = false;
        const auto path = RukuPath(from, target, total, &reachable);
        if (!reachable || path.empty()) continue;
        ++paths;
        EXPECT_EQ(path.back(), target);
        pb::RukuState at = from;
        for (pb::RukuState to : path) {
          const Caller& actor = (at == pb::RUKU_STATE_DRAFT || at == pb::RUKU_STATE_RETURNED) ? kStaff
                                : at == pb::RUKU_STATE_SUBMITTED                              ? kReviewer
                                                                                              : kBureau;
          EXPECT_TRUE(CheckRukuTransition(actor, Started(total), InState(at), to, "理由", all).ok())
              << total << ": " << pb::RukuState_Name(at) << " -> " << pb::RukuState_Name(to);
          at = to;
        }
      }
    }
  }
  EXPECT_GT(paths, 40);
  bool reachable = true;
  // Under 1亿 there is no provincial review; nothing leaves a final state.
  EXPECT_TRUE(RukuPath(pb::RUKU_STATE_DRAFT, pb::RUKU_STATE_PROVINCE_REVIEW, 20'000'000, &reachable).empty());
  EXPECT_FALSE(reachable);
  RukuPath(pb::RUKU_STATE_APPROVED, pb::RUKU_STATE_SUBMITTED, 20'000'000, &reachable);
  EXPECT_FALSE(reachable);
  RukuPath(pb::RUKU_STATE_REJECTED, pb::RUKU_STATE_APPROVED, 20'000'000, &reachable);
  EXPECT_FALSE(reachable);
  EXPECT_EQ(RukuPath(pb::RUKU_STATE_DRAFT, pb::RUKU_STATE_APPROVED, 2'000'000'000, &reachable).size(), 6u);
  EXPECT_EQ(RukuPath(pb::RUKU_STATE_DRAFT, pb::RUKU_STATE_APPROVED, 20'000'000, &reachable).size(), 4u);
  EXPECT_EQ(RukuPath(pb::RUKU_STATE_DRAFT, pb::RUKU_STATE_RETURNED, 20'000'000, &reachable),
            (std::vector<pb::RukuState>{pb::RUKU_STATE_SUBMITTED, pb::RUKU_STATE_RETURNED}));
  EXPECT_EQ(RukuPath(pb::RUKU_STATE_DRAFT, pb::RUKU_STATE_REJECTED, 20'000'000, &reachable).size(), 4u);
}

TEST(MissingLightTest, YellowAfterOneMonthRedAfterTwoOnTheirDays) {
  int months = -1;
  EXPECT_EQ(MissingLight("2023-03-15", "2023-04-14", &months), pb::MISSING_RUKU_LIGHT_PENDING);
  EXPECT_EQ(months, 0);
  EXPECT_EQ(MissingLight("2023-03-15", "2023-04-15", &months), pb::MISSING_RUKU_LIGHT_YELLOW);
  EXPECT_EQ(months, 1);
  EXPECT_EQ(MissingLight("2023-03-15", "2023-05-14", &months), pb::MISSING_RUKU_LIGHT_YELLOW);
  EXPECT_EQ(MissingLight("2023-03-15", "2023-05-15", &months), pb::MISSING_RUKU_LIGHT_RED);
  EXPECT_EQ(months, 2);
  // A start on the 31st: one month later is the last day of a shorter month.
  EXPECT_EQ(MissingLight("2023-01-31", "2023-02-27", nullptr), pb::MISSING_RUKU_LIGHT_PENDING);
  EXPECT_EQ(MissingLight("2023-01-31", "2023-02-28", nullptr), pb::MISSING_RUKU_LIGHT_YELLOW);
  EXPECT_EQ(MissingLight("2023-01-31", "2023-03-30", nullptr), pb::MISSING_RUKU_LIGHT_YELLOW);
  EXPECT_EQ(MissingLight("2023-01-31", "2023-03-31", nullptr), pb::MISSING_RUKU_LIGHT_RED);
  EXPECT_EQ(MissingLight("2023-03-15", "2023-03-01", &months), pb::MISSING_RUKU_LIGHT_PENDING);
}

}  // namespace
}  // namespace saima::registry
