// The page mem0 serve serves on GET / (src/server/page/: HTML, CSS and
// JavaScript), embedded in the binary at build time by
// cmake/embed_files.cmake, with the headers each file is served with.
//
// Thread-safety: read-only data built once; safe from any thread.
#ifndef MEM0_SRC_SERVER_PAGE_ASSETS_H_
#define MEM0_SRC_SERVER_PAGE_ASSETS_H_

#include <string>
#include <string_view>
#include <vector>

namespace mem0::server {

// One file of src/server/page/ as the build embedded it.
struct EmbeddedFile {
  std::string_view name;  // "index.html", "page.js", ...
  std::string_view body;
};

// Every embedded file, by name (generated source).
const std::vector<EmbeddedFile>& EmbeddedPageFiles();

// A file as served: its route ("/" for index.html, "/<name>" otherwise).
struct PageAsset {
  std::string route;
  std::string content_type;  // with charset for text
  std::string etag;          // strong: a digest of the body, quoted
  std::string_view body;
};

// The asset served on `path`, or null.
const PageAsset* FindPageAsset(std::string_view path);

// The Content-Security-Policy of the page: everything from our origin only,
// no inline script or style, no framing.
inline constexpr const char* kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace mem0::server

#endif  // MEM0_SRC_SERVER_PAGE_ASSETS_H_
