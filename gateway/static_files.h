#ifndef SAIMA_GATEWAY_STATIC_FILES_H_
#define SAIMA_GATEWAY_STATIC_FILES_H_

// The web application's static files (with /openapi.json and the API reference at /docs), read once at start-up
// and compressed once (gzip), served with an ETag so that browsers revalidate cheaply.

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/transcode.h"

namespace saima::gateway {

class StaticFiles {
 public:
  // Reads the regular files under `folder` (sub-folders included); it must hold index.html.
  static absl::StatusOr<StaticFiles> Load(const std::string& folder);
  // Serves GET or HEAD of a file ("/" is /index.html, "/docs" is /docs.html); false when there is no such file.
  bool Serve(const HttpRequest& request, HttpResponse* response) const;
  size_t size() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzipped;
    std::string etag;
  };
  std::map<std::string, File> files_;  // by path, "/index.html"
};

}  // namespace saima::gateway

#endif  // SAIMA_GATEWAY_STATIC_FILES_H_
