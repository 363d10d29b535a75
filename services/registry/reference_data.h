#ifndef SAIMA_SERVICES_REGISTRY_REFERENCE_DATA_H_
#define SAIMA_SERVICES_REGISTRY_REFERENCE_DATA_H_

// The national code lists the registry validates against: GB/T 4754-2017 industries and GB/T 2260 counties.
// Loaded once from the copies compiled into the binary; immutable and thread-safe afterwards.

#include <map>
#include <set>
#include <string>

namespace saima::registry {

class ReferenceData {
 public:
  // The lists compiled into the binary (data/*.csv at build time).
  static const ReferenceData& Embedded();

  // The name of a 4-digit 小类 code, or nullptr when the code is not in GB/T 4754-2017.
  const std::string* IndustryName(const std::string& code) const;
  bool IsCountyCode(const std::string& code) const { return counties_.count(code) > 0; }
  std::string CountyName(const std::string& code) const;
  size_t industry_count() const { return industries_.size(); }

 private:
  std::map<std::string, std::string> industries_;
  std::map<std::string, std::string> counties_;
};

}  // namespace saima::registry

#endif  // SAIMA_SERVICES_REGISTRY_REFERENCE_DATA_H_
