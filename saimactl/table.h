#ifndef SAIMA_SAIMACTL_TABLE_H_
#define SAIMA_SAIMACTL_TABLE_H_

#include <string>
#include <vector>

namespace saima::ctl {

// Display width of UTF-8 text on a terminal: CJK characters take two columns.
int DisplayWidth(const std::string& text);

// A plain-text table whose columns line up with Chinese text.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void AddRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace saima::ctl

#endif  // SAIMA_SAIMACTL_TABLE_H_
