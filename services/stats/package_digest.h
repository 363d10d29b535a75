#ifndef SAIMA_SERVICES_STATS_PACKAGE_DIGEST_H_
#define SAIMA_SERVICES_STATS_PACKAGE_DIGEST_H_

// The SHA-256 of a provincial package's content, taken as its rows stream past (a national period is millions of
// rows, never held at once). The content is fields 1 to 4 of a GetProvincialPackageResponse (period, rows, city,
// snapshot_time) serialized deterministically; such a serialization writes the fields in number order and each
// row as its tag, length and bytes, so the hash of the stream is the hash of the whole message (the same as for
// the versions frozen before rows were stored apart).

#include <string>

#include "common/digest.h"
#include "google/protobuf/message.h"
#include "saima/stats/v1/stats.pb.h"

namespace saima::stats {

// A message's bytes, the same for the same content (map entries in a fixed order): what a SHA-256 is taken of.
std::string DeterministicBytes(const google::protobuf::Message& message);

class PackageDigest {
 public:
  explicit PackageDigest(const std::string& period);

  // Adds the next row, given as DeterministicBytes of it.
  void AddRow(const std::string& row_bytes);
  // After the last row: the hash without the freeze time (two freezes of the same figures compare equal), and the
  // version's sha256 (with it).
  std::string ContentSha256(const v1::GetIndicatorsResponse& city) const;
  std::string Sha256(const v1::GetIndicatorsResponse& city, const google::protobuf::Timestamp& time) const;

 private:
  Sha256Stream stream_;
};

// The content hash of a package held whole (a version frozen with its rows in the snapshot).
std::string ContentSha256(const v1::GetProvincialPackageResponse& package);

}  // namespace saima::stats

#endif  // SAIMA_SERVICES_STATS_PACKAGE_DIGEST_H_
