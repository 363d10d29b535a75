// libFuzzer: the CSV reader and every saimactl importer's row parser on what it reads.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/csv.h"
#include "saimactl/csv_import.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto table = saima::ParseCsv(std::string(reinterpret_cast<const char*>(data), size));
  if (!table.ok()) return 0;
  (void)saima::ctl::ParseUnitsCsv(*table);
  (void)saima::ctl::ParseProjectsCsv(*table);
  (void)saima::ctl::ParseRukuCsv(*table);
  (void)saima::ctl::ParseDocumentsCsv(*table);
  (void)saima::ctl::ParsePlansCsv(*table);
  (void)saima::ctl::ParseMonthlyCsv(*table);
  (void)saima::ctl::ParsePeersCsv(*table);
  return 0;
}
