#ifndef SAIMA_GATEWAY_STATIC_FILES_H_
#define SAIMA_GATEWAY_STATIC_FILES_H_

// The dashboard's static files, read once at start-up and compressed once (gzip), served with an ETag so that
// browsers revalidate cheaply. Compressing a megabyte of ECharts per request would cost the first render more
// than everything else together.

#include <map>
#include <string>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace saima::gateway {

class StaticFiles {
 public:
  // Reads the regular files directly in `folder` (web/build.mjs output).
  static absl::StatusOr<StaticFiles> Load(const std::string& folder);
  // Serves GET /{name} (and / as /index.html); register after the API's routes.
  void Register(httplib::Server& server) const;
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzipped;
    std::string etag;
  };
  std::map<std::string, File> files_;
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_STATIC_FILES_H_
