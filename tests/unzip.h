#ifndef SAIMA_TESTS_UNZIP_H_
#define SAIMA_TESTS_UNZIP_H_

// Reading back the archives Saima writes (the provincial package's ZIP, XLSX workbooks) in tests.

#include <map>
#include <string>

namespace saima::testing {

// Every file of a ZIP held in memory: name → bytes (empty when it is not a ZIP).
std::map<std::string, std::string> UnzipAll(const std::string& bytes);

// The bytes of one file of it ("" when absent).
std::string Unzip(const std::string& bytes, const std::string& name);

}  // namespace saima::testing

#endif  // SAIMA_TESTS_UNZIP_H_
