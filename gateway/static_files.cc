#include "gateway/static_files.h"

#include <dirent.h>
#include <sys/stat.h>
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/digest.h"

namespace saima::gateway {

// The web application's and /docs' Content-Security-Policy (Redoc draws with inline styles and a worker from a blob;
// Element Plus and Vant embed their icon fonts as data: URLs, so no font is fetched from elsewhere).
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "script-src 'self'; "
    "worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
namespace {

std::string ContentTypeOf(const std::string& name) {
  if (absl::EndsWith(name, ".html")) return "text/html; charset=utf-8";
  if (absl::EndsWith(name, ".js") || absl::EndsWith(name, ".mjs")) return "application/javascript; charset=utf-8";
  if (absl::EndsWith(name, ".css")) return "text/css; charset=utf-8";
  if (absl::EndsWith(name, ".json")) return "application/json; charset=utf-8";
  if (absl::EndsWith(name, ".md")) return "text/markdown; charset=utf-8";
  if (absl::EndsWith(name, ".svg")) return "image/svg+xml; charset=utf-8";
  if (absl::EndsWith(name, ".png")) return "image/png";
  if (absl::EndsWith(name, ".ico")) return "image/x-icon";
  if (absl::EndsWith(name, ".woff2")) return "font/woff2";
  if (absl::EndsWith(name, ".woff")) return "font/woff";
  if (absl::EndsWith(name, ".ttf")) return "font/ttf";
  return "application/octet-stream";
}

bool Compressible(const std::string& content_type) {
  return absl::StartsWith(content_type, "text/") || absl::StrContains(content_type, "javascript") ||
         absl::StrContains(content_type, "json") || absl::StrContains(content_type, "svg");
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

void LoadFolder(const std::string& root, const std::string& relative, std::map<std::string, std::string>& out) {
  const std::string folder = relative.empty() ? root : absl::StrCat(root, "/", relative);
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.empty() || name[0] == '.') continue;
    const std::string rel = relative.empty() ? name : absl::StrCat(relative, "/", name);
    const std::string path = absl::StrCat(root, "/", rel);
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      LoadFolder(root, rel, out);
    } else if (S_ISREG(st.st_mode)) {
      std::ifstream in(path, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      out["/" + rel] = bytes.str();
    }
  }
  closedir(dir);
}

}  // namespace

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& folder) {
  std::map<std::string, std::string> contents;
  LoadFolder(folder, "", contents);
  StaticFiles out;
  for (auto& [path, body] : contents) {
    File& f = out.files_[path];
    f.content_type = ContentTypeOf(path);
    f.body = std::move(body);
    if (Compressible(f.content_type) && f.body.size() > 1024) f.gzipped = Gzip(f.body);
    f.etag = absl::StrCat("\"", Sha256Hex(f.body).substr(0, 16), "\"");
  }
  if (!out.files_.count("/index.html")) {
    return absl::NotFoundError(absl::StrCat("--web_root ", folder, " is not a folder with index.html"));
  }
  return out;
}

bool StaticFiles::Serve(const HttpRequest& request, HttpResponse* response) const {
  if (request.method != "GET" && request.method != "HEAD") return false;
  std::string path = request.path;
  if (path == "/") path = "/index.html";
  if (path == "/docs" || path == "/docs/") path = "/docs.html";
  auto it = files_.find(path);
  if (it == files_.end()) return false;
  const File& f = it->second;
  response->headers.emplace_back("ETag", f.etag);
  response->headers.emplace_back("Cache-Control", "no-cache");  // revalidate: a new build shows at once
  response->headers.emplace_back("Vary", "Accept-Encoding");
  // The pages load nothing from elsewhere, run no inline script, and are framed by no one; whatever proxy is in
  // front (nginx, ingress-nginx), these travel with them.
  response->headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("X-Frame-Options", "DENY");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  response->content_type = f.content_type;
  if (request.Header("if-none-match") == f.etag) {
    response->status = 304;
    return true;
  }
  response->status = 200;
  if (!f.gzipped.empty() && absl::StrContains(request.Header("accept-encoding"), "gzip")) {
    response->headers.emplace_back("Content-Encoding", "gzip");
    response->body = request.method == "HEAD" ? "" : f.gzipped;
  } else {
    response->body = request.method == "HEAD" ? "" : f.body;
  }
  return true;
}

}  // namespace saima::gateway
