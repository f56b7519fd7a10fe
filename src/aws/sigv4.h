// AWS Signature Version 4 as a pure function: same inputs, same signature.
// Internal header (tests include it); the client signs every request with it.
//
// Thread-safety: pure functions; SigningKeyCache is internally locked.
#ifndef MEM0_SRC_AWS_SIGV4_H_
#define MEM0_SRC_AWS_SIGV4_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mem0/aws/credentials.h"
#include "mem0/aws/http.h"
#include "mem0/core/result.h"

namespace mem0::aws::sigv4 {

struct SigningParams {
  std::string region;
  std::string service;  // "dynamodb", "sts"
  std::chrono::system_clock::time_point time;
  // The suite's "normalize": collapse . and .. and duplicate slashes in the
  // path (true for every service but S3).
  bool normalize_path = true;
  // Add x-amz-content-sha256 (S3 style); DynamoDB does not need it.
  bool sign_body_header = false;
  // Still add X-Amz-Security-Token, but after signing, so it is not signed
  // (the suite's "omit_session_token"; some services, e.g. IoT, want this).
  bool omit_session_token = false;
};

// Intermediate products, exposed for the test suite and for debugging.
struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

// Signs `request` in place: adds X-Amz-Date (and X-Amz-Security-Token when the
// credentials have a session token, and Host when absent) and Authorization.
// Header names in request.headers may use any case; the URL's path and query
// are canonicalised as SigV4 requires.
//
// Details: Host is derived from the URL as botocore does (lower-cased, port
// only when not the scheme's default). Headers Sign() owns (Authorization,
// X-Amz-Date, X-Amz-Security-Token, and x-amz-content-sha256 with
// sign_body_header) are replaced if present, so a retry can re-sign the same
// request. Every other header is signed except hop-by-hop ones, User-Agent
// and X-Amzn-Trace-Id (botocore's list). The URL path is taken as sent
// (already percent-encoded) and encoded once more, per SigV4 for non-S3.
//
// Errors (kInternal) only when OpenSSL cannot hash (out of memory, or no
// SHA-256 provider); these functions never throw.
Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params);

// The derived key HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region),
// service), "aws4_request"); `date` is yyyymmdd.
using SigningKey = std::array<unsigned char, 32>;
Result<SigningKey> DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                    std::string_view region, std::string_view service);

// Remembers derived signing keys, which change only daily per (secret, region,
// service): saves four of the five HMACs a signature costs. Small and bounded;
// the least recently used entry is evicted. Thread-safe.
class SigningKeyCache {
 public:
  explicit SigningKeyCache(std::size_t capacity = 8) : capacity_(capacity == 0 ? 1 : capacity) {}
  SigningKeyCache(const SigningKeyCache&) = delete;
  SigningKeyCache& operator=(const SigningKeyCache&) = delete;

  Result<SigningKey> Get(std::string_view secret_access_key, std::string_view date,
                         std::string_view region, std::string_view service);

 private:
  struct Entry {
    std::string secret_access_key;
    std::string date;
    std::string region;
    std::string service;
    SigningKey key;
    std::uint64_t last_used;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
  std::size_t capacity_;
  std::uint64_t use_counter_ = 0;
};

// Same as Sign() above, taking the derived key from `key_cache`.
Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params, SigningKeyCache& key_cache);

// HMAC-SHA256 (OpenSSL), raw bytes; hex helpers are in core/hash.h.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);

}  // namespace mem0::aws::sigv4

#endif  // MEM0_SRC_AWS_SIGV4_H_
