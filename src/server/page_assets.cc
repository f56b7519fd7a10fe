#include "server/page_assets.h"

#include <map>

#include "core/hash.h"

namespace mem0::server {
namespace {

std::string ContentType(std::string_view name) {
  auto ends_with = [name](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

const std::map<std::string, PageAsset, std::less<>>& Assets() {
  static const auto* assets = [] {
    auto* out = new std::map<std::string, PageAsset, std::less<>>();
    for (const auto& file : EmbeddedPageFiles()) {
      // Appends rather than "literal" + temporary: GCC 12's -Wrestrict
      // misfires on the latter at -O3.
      std::string route = "/";
      if (file.name != "index.html") route.append(file.name);
      std::string etag = "\"";
      etag.append(Sha256Hex(file.body), 0, 32).append("\"");
      (*out)[route] = {route, ContentType(file.name), std::move(etag), file.body};
    }
    return out;
  }();
  return *assets;
}

}  // namespace

const PageAsset* FindPageAsset(std::string_view path) {
  const auto& assets = Assets();
  auto it = assets.find(path);
  return it == assets.end() ? nullptr : &it->second;
}

}  // namespace mem0::server
