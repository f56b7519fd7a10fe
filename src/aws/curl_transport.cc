// libcurl HttpTransport: a bounded pool of easy handles, each keeping its own
// keep-alive connection, so concurrent callers never share a handle.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

#include "core/strings.h"
#include "core/url.h"
#include "mem0/aws/http.h"

namespace mem0::aws {

const std::string* HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

namespace {

// RFC 9110 tchar: what a method or header name may hold.
bool IsToken(std::string_view text) {
  if (text.empty()) return false;
  for (unsigned char c : text) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric &&
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status ValidateHttpRequest(const HttpRequest& request) {
  auto invalid = [](std::string message) {
    return MakeError(ErrorCode::kInvalidArgument, "HTTP request refused: " + std::move(message));
  };
  if (!IsToken(request.method)) return invalid("the method is not an HTTP token");
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const auto& [name, value] = request.headers[i];
    if (!IsToken(name)) {
      return invalid("header " + std::to_string(i) + "'s name is not an HTTP token");
    }
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return invalid("header " + name + " holds CR, LF or NUL");
    }
  }
  return {};
}

namespace {

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<Headers*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (e.g. after 100 Continue) starts
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(Trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    headers->emplace_back(std::move(name), std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const HttpTransportOptions& options) : options_(options) {}

  ~CurlTransport() override {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    MEM0_RETURN_IF_ERROR(ValidateHttpRequest(request));
    CURL* handle = Acquire();
    if (handle == nullptr) return MakeError(ErrorCode::kInternal, "curl_easy_init failed");

    curl_slist* header_list = nullptr;
    for (const auto& [name, value] : request.headers) {
      header_list = curl_slist_append(header_list, (name + ": " + value).c_str());
    }
    // An empty Expect suppresses curl's 100-continue round trip on larger bodies.
    header_list = curl_slist_append(header_list, "Expect:");

    HttpResponse response;
    // Every request sets its own timeouts: a pooled handle keeps the last ones.
    std::chrono::milliseconds timeout = options_.request_timeout;
    if (request.timeout.count() > 0) timeout = std::min(timeout, request.timeout);
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min(options_.connect_timeout, timeout).count()));
    curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, header_list);
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, nullptr);
    if (request.method == "GET") {
      curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(handle, CURLOPT_POST, 1L);
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      if (request.method != "POST") {
        curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      }
    }
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, AppendBody);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, AppendHeader);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, &response.headers);

    CURLcode code = curl_easy_perform(handle);
    curl_slist_free_all(header_list);
    if (code != CURLE_OK) {
      curl_easy_cleanup(handle);  // the connection's state is unknown; do not reuse it
      Error error =
          MakeError(ErrorCode::kNetworkError,
                    std::string(curl_easy_strerror(code)) + " (" + HostOfUrl(request.url) + ")",
                    "NetworkError");
      error.retryable = true;
      return error;
    }
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    Release(handle);
    return response;
  }

 private:
  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        // Configured once; each request sets all of its own options.
        CURL* handle = idle_.back();
        idle_.pop_back();
        return handle;
      }
    }
    CURL* handle = curl_easy_init();
    if (handle != nullptr) Configure(handle);
    return handle;
  }

  void Configure(CURL* handle) const {
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) {
      curl_easy_setopt(handle, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    }
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    // Proxies come from configuration only; this also spares curl from
    // reading the proxy environment variables on every request.
    curl_easy_setopt(handle, CURLOPT_PROXY, options_.proxy.c_str());
  }

  void Release(CURL* handle) {
    std::lock_guard<std::mutex> lock(mu_);
    if (static_cast<int>(idle_.size()) < options_.max_connections) {
      idle_.push_back(handle);
    } else {
      curl_easy_cleanup(handle);
    }
  }

  const HttpTransportOptions options_;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

}  // namespace

std::shared_ptr<HttpTransport> MakeCurlTransport(const HttpTransportOptions& options) {
  return std::make_shared<CurlTransport>(options);
}

}  // namespace mem0::aws
