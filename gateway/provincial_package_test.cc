#include "gateway/provincial_package.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/time/clock.h"
#include "common/digest.h"
#include "common/status.h"
#include "gtest/gtest.h"
#include "tests/unzip.h"

namespace saima::gateway {
namespace {

namespace st = ::saima::stats::v1;
using ::saima::testing::Unzip;

st::GetProvincialPackageResponse Snapshot() {
  st::GetProvincialPackageResponse s;
  s.set_period("2023-05");
  const int64_t totals[] = {50'000'000, 49'999'999, 200'000'000};  // 206-1, 206-2, 206-1
  for (int i = 0; i < 3; ++i) {
    auto* row = s.add_rows();
    row->set_project_id(i + 1);
    row->set_project_code("2023-331181-04-01-00010" + std::to_string(i));
    row->set_project_name("项目" + std::to_string(i));
    row->set_unit_id("331181001");
    row->set_unit_name("龙渊街道");
    row->set_planned_total_yuan(totals[i]);
    row->mutable_figure()->set_ytd_yuan(1000 * (i + 1));
    row->mutable_figure()->set_month_yuan(100 * (i + 1));
  }
  s.mutable_city()->mutable_total()->set_ytd_yuan(6000);
  s.mutable_snapshot_time()->set_seconds(1685548800);
  s.set_version(1);
  s.set_snapshot_sha256(std::string(64, 'a'));
  s.set_reason("锁定");
  return s;
}

TEST(ProvincialPackageTest, FormsSplitAtFiftyMillionAndAddUpToTheCity) {
  auto package = BuildProvincialPackage(Snapshot(), "csv", "测试市统计局");
  ASSERT_TRUE(package.ok()) << package.status();
  ASSERT_EQ(package->tables_size(), 3);
  EXPECT_EQ(package->tables(0).name(), "206-1");
  EXPECT_EQ(package->tables(0).rows(), 2);  // 5000万 exactly and 2亿
  EXPECT_EQ(package->tables(0).total_ytd_yuan(), 1000 + 3000);
  EXPECT_EQ(package->tables(1).rows(), 1);
  EXPECT_EQ(package->tables(1).total_ytd_yuan(), 2000);
  EXPECT_EQ(package->tables(0).total_ytd_yuan() + package->tables(1).total_ytd_yuan(), package->city_total_ytd_yuan());
  // The manifest's checksums are those of the files in the archive.
  const std::string csv = Unzip(package->file().content(), "206-1.csv");
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(Sha256Hex(csv), package->tables(0).sha256());
  EXPECT_NE(csv.find("龙渊街道"), std::string::npos);
  EXPECT_NE(Unzip(package->file().content(), "manifest.json").find(package->tables(1).sha256()), std::string::npos);
  EXPECT_NE(Unzip(package->file().content(), "manifest.json").find(std::string(64, 'a')), std::string::npos)
      << "the frozen snapshot's SHA-256";
}

TEST(ProvincialPackageTest, TheSameSnapshotGivesTheSameBytesLater) {
  for (const char* format : {"csv", "xlsx"}) {
    auto first = BuildProvincialPackage(Snapshot(), format, "测试市统计局");
    ASSERT_TRUE(first.ok());
    absl::SleepFor(absl::Milliseconds(1100));  // a second later: the archive must not carry the time it was made
    auto again = BuildProvincialPackage(Snapshot(), format, "测试市统计局");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(Sha256Hex(first->file().content()), Sha256Hex(again->file().content())) << format;
  }
}

TEST(ProvincialPackageTest, XlsxAndRefusedFormats) {
  auto xlsx = BuildProvincialPackage(Snapshot(), "xlsx", "测试市统计局");
  ASSERT_TRUE(xlsx.ok());
  EXPECT_EQ(xlsx->file().content().substr(0, 2), "PK");
  EXPECT_EQ(xlsx->file().file_name(), "provincial-2023-05.xlsx");
  auto pdf = BuildProvincialPackage(Snapshot(), "pdf", "测试市统计局");
  EXPECT_EQ(pdf.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(pdf.status())[0].field, "format");
}

// What saimactl --stream does: the rows given one by one to the writer make the gateway's file, byte for byte, and
// nothing stays in /tmp.
TEST(ProvincialPackageTest, RowsWrittenAsTheyArriveMakeTheSameZip) {
  auto count_temporaries = [] {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/tmp")) {
      n += entry.path().filename().string().rfind("saima-package-", 0) == 0;
    }
    return n;
  };
  const int before = count_temporaries();
  const st::GetProvincialPackageResponse snapshot = Snapshot();
  auto built = BuildProvincialPackage(snapshot, "csv", "测试市统计局");
  ASSERT_TRUE(built.ok()) << built.status();
  const std::string path = ::testing::TempDir() + "/streamed.zip";
  {
    CsvPackageWriter writer(snapshot);  // the rows in it are not read
    for (const auto& row : snapshot.rows()) ASSERT_TRUE(writer.Add(row).ok());
    auto written = writer.Finish(path);
    ASSERT_TRUE(written.ok()) << written.status();
    EXPECT_EQ(written->file().file_name(), "provincial-2023-05.zip");
    EXPECT_TRUE(written->file().content().empty());
    ASSERT_EQ(written->tables_size(), 3);
    EXPECT_EQ(written->tables(0).total_ytd_yuan(), built->tables(0).total_ytd_yuan());
  }
  std::ifstream in(path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), built->file().content());
  EXPECT_EQ(count_temporaries(), before);
}

TEST(ProvincialPackageTest, TotalsThatWouldNotFitAreRefusedNotWrapped) {
  st::GetProvincialPackageResponse snapshot = Snapshot();
  for (auto& row : *snapshot.mutable_rows()) row.mutable_figure()->set_ytd_yuan(INT64_MAX / 2 + 1);
  for (const char* format : {"csv", "xlsx"}) {
    auto package = BuildProvincialPackage(snapshot, format, "测试市统计局");
    EXPECT_EQ(package.status().code(), absl::StatusCode::kOutOfRange) << format;
    EXPECT_NE(ChineseMessageOf(package.status()).find("206-1 表的合计超出"), std::string::npos) << package.status();
  }
}

}  // namespace
}  // namespace saima::gateway
