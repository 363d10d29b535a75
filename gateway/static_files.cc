#include "gateway/static_files.h"

#include <dirent.h>
#include <httplib.h>
#include <sys/stat.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/auth.h"

namespace saima::gateway {
namespace {

std::string ContentTypeOf(const std::string& name) {
  // With a charset parameter: cpp-httplib then leaves the body alone instead of compressing it per request.
  if (absl::EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(name, ".js")) return "application/javascript; charset=utf-8";
  if (absl::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(name, ".svg")) return "image/svg+xml; charset=utf-8";
  if (absl::EndsWith(name, ".png")) return "image/png";
  return "application/octet-stream";
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "";
}

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& folder) {
  StaticFiles out;
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return absl::NotFoundError(absl::StrCat("--web_root ", folder, " is not a readable folder"));
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    const std::string path = absl::StrCat(folder, "/", name);
    struct stat st {};
    if (name.empty() || name[0] == '.' || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    File& f = out.files_[name];
    f.content_type = ContentTypeOf(name);
    f.body = bytes.str();
    f.gzipped = Gzip(f.body);
    f.etag = absl::StrCat("\"", Sha256Hex(f.body).substr(0, 16), "\"");
  }
  closedir(dir);
  if (!out.files_.count("index.html")) return absl::NotFoundError(absl::StrCat(folder, " has no index.html"));
  return out;
}

void StaticFiles::Register(httplib::Server& server) const {
  server.Get(R"(/([A-Za-z0-9._-]*))", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str().empty() ? "index.html" : req.matches[1].str();
    auto it = files_.find(name);
    if (it == files_.end()) {
      res.status = 404;
      return;
    }
    const File& f = it->second;
    res.set_header("ETag", f.etag);
    res.set_header("Cache-Control", "no-cache");  // revalidate: a new build shows at once
    res.set_header("Vary", "Accept-Encoding");
    if (req.get_header_value("If-None-Match") == f.etag) {
      res.status = 304;
      return;
    }
    const bool gzip = !f.gzipped.empty() && req.get_header_value("Accept-Encoding").find("gzip") != std::string::npos;
    if (gzip) res.set_header("Content-Encoding", "gzip");
    res.set_content(gzip ? f.gzipped : f.body, f.content_type.c_str());
  });
}

}  // namespace saima::gateway
