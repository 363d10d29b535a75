#include "services/stats/package_digest.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace saima::stats {

namespace pb = ::saima::stats::v1;

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&out);
  }
  return bytes;
}

PackageDigest::PackageDigest(const std::string& period) {
  pb::GetProvincialPackageResponse head;
  head.set_period(period);
  stream_.Update(DeterministicBytes(head));
}

void PackageDigest::AddRow(const std::string& row_bytes) {
  // Field 2, length-delimited: tag (2 << 3 | 2), the length as a varint, the bytes.
  uint8_t prefix[1 + 5];  // a varint32 is at most 5 bytes
  prefix[0] = (pb::GetProvincialPackageResponse::kRowsFieldNumber << 3) | 2;
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(static_cast<uint32_t>(row_bytes.size()),
                                                                               prefix + 1);
  stream_.Update(std::string_view(reinterpret_cast<const char*>(prefix), end - prefix));
  stream_.Update(row_bytes);
}

std::string PackageDigest::ContentSha256(const pb::GetIndicatorsResponse& city) const {
  pb::GetProvincialPackageResponse tail;
  *tail.mutable_city() = city;
  Sha256Stream content(stream_);
  content.Update(DeterministicBytes(tail));
  return content.Hex();
}

std::string PackageDigest::Sha256(const pb::GetIndicatorsResponse& city,
                                  const google::protobuf::Timestamp& time) const {
  pb::GetProvincialPackageResponse tail;
  *tail.mutable_city() = city;
  *tail.mutable_snapshot_time() = time;
  Sha256Stream whole(stream_);
  whole.Update(DeterministicBytes(tail));
  return whole.Hex();
}

std::string ContentSha256(const pb::GetProvincialPackageResponse& package) {
  pb::GetProvincialPackageResponse bare;
  bare.set_period(package.period());
  *bare.mutable_rows() = package.rows();
  if (package.has_city()) *bare.mutable_city() = package.city();
  return Sha256Hex(DeterministicBytes(bare));
}

}  // namespace saima::stats
