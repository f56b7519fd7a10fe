// IAM Identity Center (SSO) profiles, resolved as botocore does:
//   - sso_account_id and sso_role_name in the profile, with either
//     sso_session naming an `[sso-session NAME]` section (sso_start_url,
//     sso_region; values the profile repeats must agree) or the legacy
//     sso_start_url and sso_region in the profile itself;
//   - the access token `aws sso login` caches in
//     ~/.aws/sso/cache/<sha1 hex of the session name, or of the start URL
//     for legacy profiles>.json (accessToken, expiresAt, and for refresh
//     refreshToken, clientId, clientSecret, registrationExpiresAt);
//   - for sso_session profiles, a token with less than 15 minutes left is
//     refreshed through SSO OIDC CreateToken (grant refresh_token) and the
//     cache file rewritten atomically (0600); a failed refresh is tolerated
//     while the old token is still valid. Legacy profiles never refresh;
//   - then the portal's GetRoleCredentials with the token.
// Endpoints: AWS_ENDPOINT_URL_SSO (portal) and AWS_ENDPOINT_URL_SSO_OIDC,
// then AWS_ENDPOINT_URL, then portal.sso.<region> / oidc.<region>.
// Tokens, refresh tokens and client secrets never appear in error messages.
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials_internal.h"
#include "core/time_format.h"

namespace mem0::aws::credentials_internal {
namespace {

using profile::ProfileSettings;
using std::chrono::system_clock;
using TimePoint = system_clock::time_point;

// botocore's SSOTokenProvider refresh window.
constexpr std::chrono::minutes kTokenRefreshWindow{15};

std::string Quote(std::string_view text) { return std::string("\"").append(text).append("\""); }

std::optional<std::string> Value(const ProfileSettings& settings, const std::string& key) {
  auto it = settings.find(key);
  if (it == settings.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string Sha1Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

// The cache's timestamps: ISO 8601 with Z or an offset, or botocore's
// older "...UTC" spelling; a time without a zone is taken as UTC.
std::optional<TimePoint> ParseCacheTime(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (text.size() > 3 && text.compare(text.size() - 3, 3, "UTC") == 0) {
    text.resize(text.size() - 3);
    text += "Z";
  }
  if (auto time = ParseTimestamp(text)) return time;
  return ParseTimestamp(text + "Z");
}

std::optional<std::string> JsonString(const nlohmann::json& document, const char* key) {
  auto it = document.find(key);
  if (it == document.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// The service's error code from an SSO or OIDC error body, which never
// holds a secret: {"message": ...} (portal) or {"error": ...} (OIDC).
std::string ServiceMessage(const HttpResponse& response) {
  nlohmann::json document =
      nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object()) return {};
  for (const char* key : {"message", "Message", "error"}) {
    if (auto text = JsonString(document, key); text && !text->empty()) return ": " + *text;
  }
  return {};
}

Error StatusError(const std::string& what, const HttpResponse& response) {
  Error error = SourceError(what + " answered HTTP " + std::to_string(response.status) +
                            ServiceMessage(response));
  error.http_status = response.status;
  error.retryable = IsServerErrorOrThrottled(response);
  if (const std::string* id = response.Header("x-amzn-requestid")) error.request_id = *id;
  return error;
}

struct SsoConfig {
  std::string profile;
  std::string session_name;  // empty for legacy profiles
  std::string start_url;
  std::string region;
  std::string account_id;
  std::string role_name;
};

Result<SsoConfig> ResolveConfig(const EnvironmentLookup& env, const std::string& profile,
                                const ProfileSettings& settings) {
  const std::string label = "shared profile " + Quote(profile);
  ProfileSettings merged = settings;
  SsoConfig config;
  config.profile = profile;
  if (auto session_name = Value(settings, "sso_session")) {
    config.session_name = *session_name;
    auto session = profile::LoadSsoSession(env, *session_name);
    if (!session) {
      return SourceError(label + " names sso_session " + Quote(*session_name) + ", but " +
                         profile::ConfigFilePath(env) + " has no [sso-session " + *session_name +
                         "] section");
    }
    for (const auto& [key, value] : *session) {
      auto it = merged.find(key);
      if (it != merged.end() && it->second != value) {
        return SourceError(label + ": " + key + " differs between the profile (" + it->second +
                           ") and sso-session " + Quote(*session_name) + " (" + value + ")");
      }
      merged[key] = value;
    }
  }
  std::string missing;
  auto take = [&](const char* key, std::string& into) {
    if (auto value = Value(merged, key)) {
      into = *value;
    } else {
      missing += (missing.empty() ? "" : ", ") + std::string(key);
    }
  };
  take("sso_start_url", config.start_url);
  take("sso_region", config.region);
  take("sso_account_id", config.account_id);
  take("sso_role_name", config.role_name);
  if (!missing.empty()) {
    return SourceError(label + " is configured for IAM Identity Center but lacks " + missing);
  }
  // sso_region becomes part of the portal's and OIDC's host names.
  if (!IsValidRegionName(config.region)) {
    return SourceError(label + ": sso_region " + Quote(config.region) + " is not a region name");
  }
  return config;
}

std::string LoginHint(const SsoConfig& config) {
  return "run `aws sso login --profile " + config.profile + "`";
}

// The token as cached, and the whole document (rewritten on refresh).
struct CachedToken {
  nlohmann::json document;
  std::string access_token;
  TimePoint expires_at;
};

class SsoFetcher {
 public:
  SsoFetcher(const ProfileContext& context, SsoConfig config)
      : context_(context), config_(std::move(config)) {
    const std::string key = config_.session_name.empty() ? config_.start_url : config_.session_name;
    cache_dir_ = profile::ExpandHome(context_.env, "~/.aws/sso/cache");
    cache_path_ = cache_dir_ + "/" + Sha1Hex(key) + ".json";
    what_ = config_.session_name.empty() ? "SSO start URL " + Quote(config_.start_url)
                                         : "sso-session " + Quote(config_.session_name);
  }

  Result<Credentials> Fetch() {
    MEM0_ASSIGN_OR_RETURN(CachedToken token, LoadToken());
    const TimePoint now = context_.clock->Now();
    std::string refresh_failure;
    if (!config_.session_name.empty() && token.expires_at - now < kTokenRefreshWindow) {
      if (auto refreshable = RefreshInputsOf(token, now)) {
        Result<CachedToken> refreshed = Refresh(token, *refreshable, now);
        if (refreshed.ok()) {
          token = std::move(refreshed).value();
          SaveToken(token.document);
        } else {
          refresh_failure = "; refreshing it failed (" + refreshed.error().message + ")";
        }
      }
    }
    if (token.expires_at <= now) {
      return SourceError("the IAM Identity Center token for " + what_ + " (profile " +
                         Quote(config_.profile) + ") has expired" + refresh_failure + "; " +
                         LoginHint(config_));
    }
    return GetRoleCredentials(token.access_token);
  }

 private:
  struct RefreshInputs {
    std::string refresh_token;
    std::string client_id;
    std::string client_secret;
  };

  Result<CachedToken> LoadToken() const {
    std::ifstream in(cache_path_, std::ios::binary);
    if (!in) {
      return SourceError("no cached IAM Identity Center token for " + what_ + " (" + cache_path_ +
                         "); " + LoginHint(config_));
    }
    std::ostringstream text;
    text << in.rdbuf();
    CachedToken token;
    token.document = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    const std::string invalid =
        "the cached IAM Identity Center token " + cache_path_ + " is invalid (";
    if (!token.document.is_object()) {
      return SourceError(invalid + "not a JSON object); " + LoginHint(config_));
    }
    auto access_token = JsonString(token.document, "accessToken");
    auto expires_at = JsonString(token.document, "expiresAt");
    if (!access_token || access_token->empty() || !expires_at) {
      return SourceError(invalid + "no accessToken or expiresAt); " + LoginHint(config_));
    }
    auto expiry = ParseCacheTime(*expires_at);
    if (!expiry) {
      return SourceError(invalid + "expiresAt is not a timestamp); " + LoginHint(config_));
    }
    token.access_token = std::move(*access_token);
    token.expires_at = *expiry;
    return token;
  }

  // What a refresh needs, when the cache has it and the client registration
  // is still valid.
  static std::optional<RefreshInputs> RefreshInputsOf(const CachedToken& token, TimePoint now) {
    auto refresh_token = JsonString(token.document, "refreshToken");
    auto client_id = JsonString(token.document, "clientId");
    auto client_secret = JsonString(token.document, "clientSecret");
    auto registration_expires = JsonString(token.document, "registrationExpiresAt");
    if (!refresh_token || !client_id || !client_secret || !registration_expires) {
      return std::nullopt;
    }
    auto registration_expiry = ParseCacheTime(*registration_expires);
    if (!registration_expiry || *registration_expiry <= now) return std::nullopt;
    return RefreshInputs{*refresh_token, *client_id, *client_secret};
  }

  // SSO OIDC CreateToken with the refresh token; unsigned, JSON.
  Result<CachedToken> Refresh(const CachedToken& token, const RefreshInputs& inputs,
                              TimePoint now) const {
    const std::string what = "SSO OIDC CreateToken";
    HttpRequest request;
    request.method = "POST";
    request.url = ServiceEndpoint(context_.env, "SSO_OIDC", "oidc", config_.region) + "/token";
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    request.body = nlohmann::json{{"clientId", inputs.client_id},
                                  {"clientSecret", inputs.client_secret},
                                  {"grantType", "refresh_token"},
                                  {"refreshToken", inputs.refresh_token}}
                       .dump();
    Result<HttpResponse> response =
        SendWithRetries(context_.transport(), request, context_.retry, IsServerErrorOrThrottled);
    if (!response.ok()) return SourceErrorFrom(what, response.error());
    if (response->status != 200) return StatusError(what, *response);
    nlohmann::json answer =
        nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    if (!answer.is_object()) return SourceError(what + " returned invalid JSON");
    auto access_token = JsonString(answer, "accessToken");
    auto expires_in = answer.find("expiresIn");
    if (!access_token || access_token->empty() || expires_in == answer.end() ||
        !expires_in->is_number()) {
      return SourceError(what + " returned no accessToken or expiresIn");
    }
    // A day in seconds is the longest token life SSO OIDC grants; anything
    // else is a damaged reply, not a reason for undefined behaviour.
    const double expires_in_s = expires_in->get<double>();
    if (!(expires_in_s >= 0 && expires_in_s <= 366 * 86400.0)) {
      return SourceError(what + " returned expiresIn out of range");
    }
    CachedToken refreshed;
    refreshed.document = token.document;
    refreshed.access_token = *access_token;
    refreshed.expires_at = now + std::chrono::seconds(static_cast<int64_t>(expires_in_s));
    refreshed.document["startUrl"] = config_.start_url;
    refreshed.document["region"] = config_.region;
    refreshed.document["accessToken"] = *access_token;
    refreshed.document["expiresAt"] = FormatIso8601(refreshed.expires_at);
    if (auto refresh_token = JsonString(answer, "refreshToken")) {
      refreshed.document["refreshToken"] = *refresh_token;
    }
    return refreshed;
  }

  // Rewrites the cache file through a temporary file and rename, so other
  // processes read either the old token or the new one; 0600 like the CLI.
  // A failure to write leaves the old file: the next refresh tries again.
  void SaveToken(const nlohmann::json& document) const {
    ::mkdir(cache_dir_.c_str(), 0700);
    std::string temp = cache_path_ + ".tmp-XXXXXX";
    int fd = ::mkstemp(temp.data());
    if (fd < 0) return;
    ::fchmod(fd, 0600);
    const std::string text = document.dump();
    size_t written = 0;
    while (written < text.size()) {
      ssize_t n = ::write(fd, text.data() + written, text.size() - written);
      if (n <= 0) break;
      written += static_cast<size_t>(n);
    }
    const bool ok = written == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || std::rename(temp.c_str(), cache_path_.c_str()) != 0) ::unlink(temp.c_str());
  }

  Result<Credentials> GetRoleCredentials(const std::string& access_token) const {
    const std::string what = "IAM Identity Center GetRoleCredentials for account " +
                             config_.account_id + ", role " + Quote(config_.role_name);
    if (access_token.find_first_of("\r\n") != std::string::npos) {
      return SourceError("the cached IAM Identity Center token " + cache_path_ +
                         " contains a line break; " + LoginHint(config_));
    }
    HttpRequest request;
    request.method = "GET";
    request.url = ServiceEndpoint(context_.env, "SSO", "portal.sso", config_.region) +
                  "/federation/credentials?account_id=" + PercentEncode(config_.account_id) +
                  "&role_name=" + PercentEncode(config_.role_name);
    request.headers = {{"x-amz-sso_bearer_token", access_token}, {"Accept", "application/json"}};
    Result<HttpResponse> response =
        SendWithRetries(context_.transport(), request, context_.retry, IsServerErrorOrThrottled);
    if (!response.ok()) return SourceErrorFrom(what, response.error());
    if (response->status == 401) {
      Error error = StatusError(what, *response);
      error.message += "; the IAM Identity Center session for " + what_ +
                       " is invalid or has expired; " + LoginHint(config_);
      return error;
    }
    if (response->status != 200) return StatusError(what, *response);

    nlohmann::json answer =
        nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
    auto role = answer.is_object() ? answer.find("roleCredentials") : answer.end();
    if (!answer.is_object() || role == answer.end() || !role->is_object()) {
      return SourceError(what + " returned no roleCredentials");
    }
    Credentials credentials;
    credentials.access_key_id = JsonString(*role, "accessKeyId").value_or("");
    credentials.secret_access_key = JsonString(*role, "secretAccessKey").value_or("");
    credentials.session_token = JsonString(*role, "sessionToken").value_or("");
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
      return SourceError(what + " returned no accessKeyId or secretAccessKey");
    }
    auto expiration = role->find("expiration");
    if (expiration != role->end() && expiration->is_number()) {
      const double ms = expiration->get<double>();
      // Milliseconds since 1970, before the year 5000.
      if (!(ms >= 0 && ms < 95617584000000.0)) {
        return SourceError(what + " returned expiration out of range");
      }
      credentials.expiration = TimePoint(std::chrono::milliseconds(static_cast<int64_t>(ms)));
    }
    return credentials;
  }

  const ProfileContext& context_;
  const SsoConfig config_;
  std::string cache_dir_;
  std::string cache_path_;
  std::string what_;
};

}  // namespace

bool IsSsoProfile(const profile::ProfileSettings& settings) {
  return settings.count("sso_account_id") > 0 || settings.count("sso_role_name") > 0;
}

Result<Credentials> SsoFromProfile(const ProfileContext& context, const std::string& profile,
                                   const profile::ProfileSettings& settings) {
  MEM0_ASSIGN_OR_RETURN(SsoConfig config, ResolveConfig(context.env, profile, settings));
  SsoFetcher fetcher(context, std::move(config));
  return fetcher.Fetch();
}

}  // namespace mem0::aws::credentials_internal
