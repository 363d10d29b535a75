#ifndef SAIMA_GATEWAY_CONTEST_EXPORT_H_
#define SAIMA_GATEWAY_CONTEST_EXPORT_H_

// A campaign's results as the table officials read: 名次, 单位, the score, each criterion's aggregated score, the
// completion rate used for ties, and the sheets counted. Shared by the HTTP export and saimactl.

#include <string>

#include "gateway/spreadsheet.h"
#include "saima/scoring/v1/scoring.pb.h"

namespace saima::gateway {

Table ResultsTable(const ::saima::scoring::v1::Campaign& campaign,
                   const google::protobuf::RepeatedPtrField<::saima::scoring::v1::Result>& results);

// A score kept in thousandths, shown with two decimals rounded half away from zero: 85333 → "85.33".
std::string Score(int64_t milli);

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_CONTEST_EXPORT_H_
