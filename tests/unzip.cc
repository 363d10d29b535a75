#include "tests/unzip.h"

#include <zip.h>

namespace saima::testing {

std::map<std::string, std::string> UnzipAll(const std::string& bytes) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return out;
  zip_t* archive = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (archive == nullptr) {
    zip_source_free(source);
    return out;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, i, 0, &stat) != 0) continue;
    zip_file_t* file = zip_fopen_index(archive, i, 0);
    if (file == nullptr) continue;
    std::string content(stat.size, '\0');
    zip_fread(file, content.data(), stat.size);
    zip_fclose(file);
    out[stat.name] = std::move(content);
  }
  zip_close(archive);
  return out;
}

std::string Unzip(const std::string& bytes, const std::string& name) {
  auto files = UnzipAll(bytes);
  auto it = files.find(name);
  return it == files.end() ? "" : it->second;
}

}  // namespace saima::testing
