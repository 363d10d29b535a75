#include "services/registry/reference_data.h"

#include <cstdlib>
#include <cstring>

#include "common/csv.h"
#include "common/embedded.h"
#include "spdlog/spdlog.h"

namespace saima {
extern const EmbeddedFile kReferenceFiles[];
}

namespace saima::registry {
namespace {

const char* FindFile(const char* name) {
  for (const EmbeddedFile* f = kReferenceFiles; f->path != nullptr; ++f) {
    if (std::strcmp(f->path, name) == 0) return f->contents;
  }
  return nullptr;
}

// Rows of an embedded CSV without its header; a missing or broken list is a build defect, so it aborts.
std::vector<CsvRow> LoadRows(const char* name) {
  const char* text = FindFile(name);
  auto rows = text ? ParseCsv(text) : absl::StatusOr<std::vector<CsvRow>>(absl::NotFoundError(name));
  if (!rows.ok() || rows->empty()) {
    spdlog::critical("reference list {} missing or malformed", name);
    std::abort();
  }
  rows->erase(rows->begin());
  return *std::move(rows);
}

}  // namespace

const ReferenceData& ReferenceData::Embedded() {
  static const ReferenceData* data = [] {
    auto* d = new ReferenceData();
    // code,level,section,name — projects carry level-4 (小类) codes.
    for (const auto& row : LoadRows("gbt4754-2017-industries.csv")) {
      if (row.size() >= 4 && row[1] == "4") d->industries_[row[0]] = row[3];
    }
    // code,name,cityCode,provinceCode
    for (const auto& row : LoadRows("gbt2260-counties.csv")) {
      if (row.size() >= 2) d->counties_[row[0]] = row[1];
    }
    return d;
  }();
  return *data;
}

const std::string* ReferenceData::IndustryName(const std::string& code) const {
  auto it = industries_.find(code);
  return it == industries_.end() ? nullptr : &it->second;
}

std::string ReferenceData::CountyName(const std::string& code) const {
  auto it = counties_.find(code);
  return it == counties_.end() ? "" : it->second;
}

}  // namespace saima::registry
