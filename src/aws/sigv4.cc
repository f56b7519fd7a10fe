// AWS Signature Version 4 (header signing), checked against the AWS signing
// test suite (tests/data/sigv4-test-suite) and against botocore.
//
// The work per request is small (SHA-256 of the body and of the canonical
// request, five HMACs over short strings, four of which SigningKeyCache
// saves), so the code mostly avoids what would otherwise dominate: heap
// allocations and OpenSSL's per-call algorithm lookups.
#include "aws/sigv4.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <utility>

#include "core/strings.h"

namespace mem0::aws::sigv4 {
namespace {

constexpr std::size_t kSha256Size = 32;
constexpr std::size_t kSha256BlockSize = 64;
using Digest = std::array<unsigned char, kSha256Size>;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr char kHexDigitsLower[] = "0123456789abcdef";
constexpr char kHexDigitsUpper[] = "0123456789ABCDEF";

// Fetched once: in OpenSSL 3 passing EVP_sha256() makes every EVP_DigestInit
// look the algorithm up again under a lock. Should the fetch fail, EVP_sha256()
// still lets EVP_DigestInit try (and report failure) on each call.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return algorithm != nullptr ? algorithm : EVP_sha256();
}

Error OpenSslError() {
  return MakeError(ErrorCode::kInternal, "OpenSSL: SHA-256 failed (out of memory, or no provider)",
                   "OpenSslError");
}

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// One reusable digest context per thread: re-initialising a context for the
// same algorithm is cheap, allocating one per digest is not. nullptr when
// out of memory (tried again next time).
EVP_MD_CTX* ThreadDigestContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context;
  if (context == nullptr) context.reset(EVP_MD_CTX_new());
  return context.get();
}

// SHA-256 over the concatenation of `parts`; nullopt when OpenSSL fails.
template <std::size_t N>
std::optional<Digest> Sha256Of(const std::array<std::string_view, N>& parts) {
  EVP_MD_CTX* context = ThreadDigestContext();
  if (context == nullptr) return std::nullopt;
  Digest digest{};
  unsigned int length = 0;
  bool ok = EVP_DigestInit_ex(context, Sha256Algorithm(), nullptr) == 1;
  for (std::string_view part : parts) {
    ok = ok && EVP_DigestUpdate(context, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(context, digest.data(), &length) == 1;
  if (!ok || length != kSha256Size) return std::nullopt;
  return digest;
}

std::string_view AsView(const unsigned char* bytes, std::size_t size) {
  return {reinterpret_cast<const char*>(bytes), size};
}

// HMAC-SHA256 (RFC 2104) on the thread's digest context. OpenSSL's one-shot
// HMAC() fetches the algorithm and allocates contexts on every call and
// measured about four times slower for these short inputs.
std::optional<Digest> Hmac(std::string_view key, std::string_view data) {
  std::optional<Digest> hashed_key;
  if (key.size() > kSha256BlockSize) {
    hashed_key = Sha256Of(std::array{key});
    if (!hashed_key) return std::nullopt;
    key = AsView(hashed_key->data(), hashed_key->size());
  }
  std::array<unsigned char, kSha256BlockSize> inner_pad;
  std::array<unsigned char, kSha256BlockSize> outer_pad;
  inner_pad.fill(0x36);
  outer_pad.fill(0x5c);
  for (std::size_t i = 0; i < key.size(); ++i) {
    inner_pad[i] ^= static_cast<unsigned char>(key[i]);
    outer_pad[i] ^= static_cast<unsigned char>(key[i]);
  }
  const std::optional<Digest> inner =
      Sha256Of(std::array{AsView(inner_pad.data(), inner_pad.size()), data});
  if (!inner) return std::nullopt;
  return Sha256Of(
      std::array{AsView(outer_pad.data(), outer_pad.size()), AsView(inner->data(), inner->size())});
}

void AppendHex(std::string& out, const unsigned char* bytes, std::size_t size) {
  const std::size_t start = out.size();
  out.resize(start + 2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    out[start + 2 * i] = kHexDigitsLower[bytes[i] >> 4];
    out[start + 2 * i + 1] = kHexDigitsLower[bytes[i] & 0x0f];
  }
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding of everything outside the unreserved set (and
// '/' when `keep_slash`), upper-case hex, as SigV4 requires.
void AppendUriEncoded(std::string& out, std::string_view text, bool keep_slash) {
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      const char escaped[3] = {'%', kHexDigitsUpper[c >> 4], kHexDigitsUpper[c & 0x0f]};
      out.append(escaped, 3);
    }
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
// '+' is left alone: SigV4 query strings do not use form encoding.
std::string PercentDecode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        decoded.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    decoded.push_back(text[i]);
  }
  return decoded;
}

std::string UriEncode(std::string_view text) {
  std::string encoded;
  encoded.reserve(text.size());
  AppendUriEncoded(encoded, text, /*keep_slash=*/false);
  return encoded;
}

// Byte-wise order of the lower-cased names, as SigV4 sorts header names.
bool LessIgnoreCase(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < common; ++i) {
    const auto ca = static_cast<unsigned char>(AsciiToLower(a[i]));
    const auto cb = static_cast<unsigned char>(AsciiToLower(b[i]));
    if (ca != cb) return ca < cb;
  }
  return a.size() < b.size();
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// SigV4's Trimall: strip the ends and fold each internal whitespace run
// (including the line breaks of an obs-folded multi-line value) to one space.
void AppendTrimmedHeaderValue(std::string& out, std::string_view value) {
  value = TrimSpaces(value);
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
}

// Hop-by-hop and proxy-rewritten headers must not be signed; the list is
// botocore's (SIGNED_HEADERS_BLACKLIST), plus Authorization itself.
bool IsUnsignedHeader(std::string_view name) {
  static constexpr std::string_view kUnsigned[] = {"authorization",
                                                   "connection",
                                                   "expect",
                                                   "keep-alive",
                                                   "proxy-authenticate",
                                                   "proxy-authorization",
                                                   "te",
                                                   "trailer",
                                                   "transfer-encoding",
                                                   "upgrade",
                                                   "user-agent",
                                                   "x-amzn-trace-id"};
  for (std::string_view unsigned_name : kUnsigned) {
    if (EqualsIgnoreCase(name, unsigned_name)) return true;
  }
  return false;
}

struct UrlParts {
  std::string_view scheme;
  std::string_view authority;  // userinfo@host:port
  std::string_view path;
  std::string_view query;
};

UrlParts SplitUrl(std::string_view url) {
  UrlParts parts;
  if (const std::size_t scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
    parts.scheme = url.substr(0, scheme_end);
    url.remove_prefix(scheme_end + 3);
    const std::size_t authority_end = url.find_first_of("/?#");
    parts.authority = url.substr(0, authority_end);
    url.remove_prefix(authority_end == std::string_view::npos ? url.size() : authority_end);
  }
  if (const std::size_t fragment = url.find('#'); fragment != std::string_view::npos) {
    url = url.substr(0, fragment);
  }
  const std::size_t query_start = url.find('?');
  parts.path = url.substr(0, query_start);
  if (query_start != std::string_view::npos) parts.query = url.substr(query_start + 1);
  return parts;
}

// The Host header value for a URL as botocore derives it: host lower-cased,
// userinfo dropped, port kept only when it is not the scheme's default.
std::string HostHeaderFromUrl(const UrlParts& url) {
  std::string_view authority = url.authority;
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  const std::size_t host_end = authority.starts_with('[') ? authority.find(']') : 0;
  if (const std::size_t colon = authority.rfind(':');
      colon != std::string_view::npos && host_end != std::string_view::npos && colon > host_end) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  std::string result;
  result.reserve(authority.size());
  for (char c : host) result.push_back(AsciiToLower(c));
  const bool default_port = port.empty() ||
                            (EqualsIgnoreCase(url.scheme, "http") && port == "80") ||
                            (EqualsIgnoreCase(url.scheme, "https") && port == "443");
  if (!default_port) {
    result.push_back(':');
    result.append(port);
  }
  return result;
}

// The canonical URI: with `normalize`, dot segments and empty segments are
// removed as botocore does (a trailing slash survives); then every byte
// outside the unreserved set and '/' is percent-encoded. The URL's path is
// already encoded, so escapes get encoded again ("%20" -> "%2520"): that is
// the double encoding SigV4 requires for every service but S3.
void AppendCanonicalPath(std::string& out, std::string_view path, bool normalize) {
  if (path.empty()) {
    out.push_back('/');
    return;
  }
  if (!normalize || path == "/") {
    AppendUriEncoded(out, path, /*keep_slash=*/true);
    return;
  }
  std::vector<std::string_view> segments;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  if (path.front() == '/') out.push_back('/');
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    AppendUriEncoded(out, segments[i], /*keep_slash=*/false);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
}

// The canonical query: each key and value decoded and re-encoded (so both
// raw and already-encoded input canonicalise the same), sorted by key then
// value, a missing value written as "key=".
void AppendCanonicalQuery(std::string& out, std::string_view query) {
  if (query.empty()) return;
  std::vector<std::pair<std::string, std::string>> parameters;
  for (std::size_t start = 0; start <= query.size();) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view parameter = query.substr(start, end - start);
    if (!parameter.empty()) {
      const std::size_t equals = parameter.find('=');
      const std::string_view key = parameter.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view() : parameter.substr(equals + 1);
      parameters.emplace_back(UriEncode(PercentDecode(key)), UriEncode(PercentDecode(value)));
    }
    start = end + 1;
  }
  std::sort(parameters.begin(), parameters.end());
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (i > 0) out.push_back('&');
    out.append(parameters[i].first);
    out.push_back('=');
    out.append(parameters[i].second);
  }
}

void AppendDigits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// yyyymmddThhmmssZ in UTC.
std::array<char, 16> FormatAmzDate(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds = floor<std::chrono::seconds>(time);
  const auto day = floor<days>(seconds);
  const year_month_day date{day};
  const hh_mm_ss time_of_day{seconds - day};
  std::array<char, 16> text;
  AppendDigits(&text[0], static_cast<int>(date.year()), 4);
  AppendDigits(&text[4], static_cast<int>(static_cast<unsigned>(date.month())), 2);
  AppendDigits(&text[6], static_cast<int>(static_cast<unsigned>(date.day())), 2);
  text[8] = 'T';
  AppendDigits(&text[9], static_cast<int>(time_of_day.hours().count()), 2);
  AppendDigits(&text[11], static_cast<int>(time_of_day.minutes().count()), 2);
  AppendDigits(&text[13], static_cast<int>(time_of_day.seconds().count()), 2);
  text[15] = 'Z';
  return text;
}

// Drops headers Sign() is about to set, so re-signing a request (a retry)
// replaces them instead of signing stale duplicates.
void RemoveHeaders(Headers& headers, bool remove_content_sha256) {
  std::erase_if(headers, [&](const auto& header) {
    const std::string_view name = header.first;
    return EqualsIgnoreCase(name, "authorization") || EqualsIgnoreCase(name, "x-amz-date") ||
           EqualsIgnoreCase(name, "x-amz-security-token") ||
           (remove_content_sha256 && EqualsIgnoreCase(name, "x-amz-content-sha256"));
  });
}

bool HasHeader(const Headers& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& header) { return EqualsIgnoreCase(header.first, name); });
}

template <typename KeyProvider>
Result<SigningResult> SignWith(HttpRequest& request, const Credentials& credentials,
                               const SigningParams& params, KeyProvider&& signing_key_for_date) {
  const UrlParts url = SplitUrl(request.url);
  const std::array<char, 16> amz_date_text = FormatAmzDate(params.time);
  const std::string_view amz_date(amz_date_text.data(), amz_date_text.size());
  const std::string_view date = amz_date.substr(0, 8);

  const std::optional<Digest> payload_digest = Sha256Of(std::array{std::string_view(request.body)});
  if (!payload_digest) return OpenSslError();
  std::string payload_hash;
  AppendHex(payload_hash, payload_digest->data(), payload_digest->size());

  // Headers Sign() adds, in the order the suite's signed requests show them.
  RemoveHeaders(request.headers, params.sign_body_header);
  if (!HasHeader(request.headers, "host")) {
    request.headers.emplace_back("Host", HostHeaderFromUrl(url));
  }
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  request.headers.emplace_back("X-Amz-Date", std::string(amz_date));
  if (params.sign_body_header) request.headers.emplace_back("x-amz-content-sha256", payload_hash);

  // Signed headers sorted by lower-cased name; stable, so repeated names keep
  // the order in which they appear (their values are joined in that order).
  std::vector<const std::pair<std::string, std::string>*> signed_headers;
  signed_headers.reserve(request.headers.size());
  std::size_t header_bytes = 0;
  for (const auto& header : request.headers) {
    const std::string_view name = TrimSpaces(header.first);
    if (IsUnsignedHeader(name)) continue;
    if (params.omit_session_token && EqualsIgnoreCase(name, "x-amz-security-token")) continue;
    signed_headers.push_back(&header);
    header_bytes += header.first.size() + header.second.size() + 2;
  }
  std::stable_sort(signed_headers.begin(), signed_headers.end(), [](const auto* a, const auto* b) {
    return LessIgnoreCase(TrimSpaces(a->first), TrimSpaces(b->first));
  });

  SigningResult result;
  std::string& canonical = result.canonical_request;
  canonical.reserve(request.method.size() + 2 * request.url.size() + 2 * header_bytes + 96);
  canonical.append(request.method);
  canonical.push_back('\n');
  AppendCanonicalPath(canonical, url.path, params.normalize_path);
  canonical.push_back('\n');
  AppendCanonicalQuery(canonical, url.query);
  canonical.push_back('\n');

  std::string signed_header_names;
  signed_header_names.reserve(header_bytes);
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    const std::string_view name = TrimSpaces(signed_headers[i]->first);
    const bool continues_previous =
        i > 0 && EqualsIgnoreCase(name, TrimSpaces(signed_headers[i - 1]->first));
    if (continues_previous) {
      canonical.push_back(',');
    } else {
      if (i > 0) {
        canonical.push_back('\n');
        signed_header_names.push_back(';');
      }
      for (char c : name) {
        canonical.push_back(AsciiToLower(c));
        signed_header_names.push_back(AsciiToLower(c));
      }
      canonical.push_back(':');
    }
    AppendTrimmedHeaderValue(canonical, signed_headers[i]->second);
  }
  if (!signed_headers.empty()) canonical.push_back('\n');
  canonical.push_back('\n');
  canonical.append(signed_header_names);
  canonical.push_back('\n');
  canonical.append(payload_hash);

  // String to sign: algorithm, date-time, scope, hash of the canonical request.
  const std::optional<Digest> canonical_digest = Sha256Of(std::array{std::string_view(canonical)});
  if (!canonical_digest) return OpenSslError();
  std::string& string_to_sign = result.string_to_sign;
  string_to_sign.reserve(kAlgorithm.size() + amz_date.size() + date.size() + params.region.size() +
                         params.service.size() + 2 * kSha256Size + 24);
  string_to_sign.append(kAlgorithm);
  string_to_sign.push_back('\n');
  string_to_sign.append(amz_date);
  string_to_sign.push_back('\n');
  const std::size_t scope_start = string_to_sign.size();
  string_to_sign.append(date);
  string_to_sign.push_back('/');
  string_to_sign.append(params.region);
  string_to_sign.push_back('/');
  string_to_sign.append(params.service);
  string_to_sign.append("/aws4_request");
  const std::size_t scope_end = string_to_sign.size();
  string_to_sign.push_back('\n');
  AppendHex(string_to_sign, canonical_digest->data(), canonical_digest->size());
  const std::string_view scope =
      std::string_view(string_to_sign).substr(scope_start, scope_end - scope_start);

  MEM0_ASSIGN_OR_RETURN(const SigningKey signing_key, signing_key_for_date(date));
  const std::optional<Digest> signature =
      Hmac(AsView(signing_key.data(), signing_key.size()), std::string_view(string_to_sign));
  if (!signature) return OpenSslError();
  result.signature.reserve(2 * kSha256Size);
  AppendHex(result.signature, signature->data(), signature->size());

  std::string& authorization = result.authorization;
  authorization.reserve(kAlgorithm.size() + credentials.access_key_id.size() + scope.size() +
                        signed_header_names.size() + result.signature.size() + 48);
  authorization.append(kAlgorithm);
  authorization.append(" Credential=");
  authorization.append(credentials.access_key_id);
  authorization.push_back('/');
  authorization.append(scope);
  authorization.append(", SignedHeaders=");
  authorization.append(signed_header_names);
  authorization.append(", Signature=");
  authorization.append(result.signature);
  // The pointers in signed_headers die here: emplace_back may reallocate.
  request.headers.emplace_back("Authorization", authorization);
  return result;
}

}  // namespace

Result<std::string> HmacSha256(std::string_view key, std::string_view data) {
  const std::optional<Digest> mac = Hmac(key, data);
  if (!mac) return OpenSslError();
  return std::string(AsView(mac->data(), mac->size()));
}

Result<SigningKey> DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                                    std::string_view region, std::string_view service) {
  // "AWS4" + secret, built on the stack for any realistic secret length.
  std::array<char, 128> prefixed_buffer;
  std::string prefixed_heap;
  std::string_view prefixed;
  if (secret_access_key.size() + 4 <= prefixed_buffer.size()) {
    std::memcpy(prefixed_buffer.data(), "AWS4", 4);
    std::memcpy(prefixed_buffer.data() + 4, secret_access_key.data(), secret_access_key.size());
    prefixed = std::string_view(prefixed_buffer.data(), secret_access_key.size() + 4);
  } else {
    prefixed_heap = "AWS4";
    prefixed_heap.append(secret_access_key);
    prefixed = prefixed_heap;
  }
  const std::optional<Digest> date_key = Hmac(prefixed, date);
  // The copies of the secret should not linger on the stack or heap.
  OPENSSL_cleanse(prefixed_buffer.data(), prefixed_buffer.size());
  OPENSSL_cleanse(prefixed_heap.data(), prefixed_heap.size());
  if (!date_key) return OpenSslError();
  const std::optional<Digest> region_key = Hmac(AsView(date_key->data(), date_key->size()), region);
  if (!region_key) return OpenSslError();
  const std::optional<Digest> service_key =
      Hmac(AsView(region_key->data(), region_key->size()), service);
  if (!service_key) return OpenSslError();
  const std::optional<Digest> signing_key =
      Hmac(AsView(service_key->data(), service_key->size()), "aws4_request");
  if (!signing_key) return OpenSslError();
  return *signing_key;
}

Result<SigningKey> SigningKeyCache::Get(std::string_view secret_access_key, std::string_view date,
                                        std::string_view region, std::string_view service) {
  auto find = [&]() -> Entry* {
    for (Entry& entry : entries_) {
      if (entry.date == date && entry.region == region && entry.service == service &&
          entry.secret_access_key == secret_access_key) {
        return &entry;
      }
    }
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (Entry* entry = find()) {
      entry->last_used = ++use_counter_;
      return entry->key;
    }
  }
  // Derived outside the lock so a miss does not stall other signers; two
  // threads racing on the same miss both derive the same key, harmlessly.
  MEM0_ASSIGN_OR_RETURN(const SigningKey key,
                        DeriveSigningKey(secret_access_key, date, region, service));
  std::lock_guard<std::mutex> lock(mutex_);
  if (find() != nullptr) return key;  // another thread inserted it meanwhile
  Entry fresh{std::string(secret_access_key),
              std::string(date),
              std::string(region),
              std::string(service),
              key,
              ++use_counter_};
  if (entries_.size() < capacity_) {
    entries_.push_back(std::move(fresh));
  } else {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
    *oldest = std::move(fresh);
  }
  return key;
}

Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params) {
  return SignWith(request, credentials, params, [&](std::string_view date) {
    return DeriveSigningKey(credentials.secret_access_key, date, params.region, params.service);
  });
}

Result<SigningResult> Sign(HttpRequest& request, const Credentials& credentials,
                           const SigningParams& params, SigningKeyCache& key_cache) {
  return SignWith(request, credentials, params, [&](std::string_view date) {
    return key_cache.Get(credentials.secret_access_key, date, params.region, params.service);
  });
}

}  // namespace mem0::aws::sigv4
