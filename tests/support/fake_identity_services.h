// Loopback stand-ins for the identity services behind shared profiles, for
// the credential tests and the botocore cross-check:
//   - FakeSts: STS AssumeRole (Query API, form POST to "/"), checking that
//     each call is SigV4-signed for service "sts" and recording who signed
//     it;
//   - FakeSso: the IAM Identity Center portal (GET /federation/credentials)
//     and SSO OIDC (POST /token, grant refresh_token) on one server.
// Both answer deterministically, so two clients (mem0-cpp and botocore)
// resolving the same profile arrive at the same credentials, and both can
// be told to fail the next calls with given HTTP statuses.
//
// Plus small helpers for credential tests: a temporary directory, an
// injected environment, and a check that no secret leaks into an error.
//
// Thread-safety: handlers run on server threads; accessors lock.
#ifndef MEM0_TESTS_SUPPORT_FAKE_IDENTITY_SERVICES_H_
#define MEM0_TESTS_SUPPORT_FAKE_IDENTITY_SERVICES_H_

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mem0/aws/credentials.h"
#include "mem0/core/result.h"
#include "support/loopback_server.h"

namespace mem0::testing {

// A directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name (creating directories); returns the path.
  std::string Write(const std::string& name, const std::string& contents) const;
  // A /bin/sh script, made executable.
  std::string WriteScript(const std::string& name, const std::string& body) const;
  std::string Read(const std::string& name) const;

 private:
  std::string path_;
};

EnvironmentLookup EnvFrom(std::map<std::string, std::string> variables);

// Fails the current test if any secret appears in the error's message or
// ToString().
void ExpectNoSecrets(const Error& error, const std::vector<std::string>& secrets);

// "2030-01-01T00:00:00Z" style, UTC.
std::string IsoTime(std::chrono::system_clock::time_point time);

// Lower-case hex SHA-1, for the SSO token cache file names.
std::string Sha1Hex(const std::string& text);

// An injected failure: HTTP status and body.
struct FakeFailure {
  int status = 500;
  std::string body;
};

class FakeSts {
 public:
  struct Call {
    std::string action, version, role_arn, session_name, external_id, duration_seconds;
    std::string signer_access_key_id;  // from the Authorization header
    std::string credential_scope;      // date/region/service/aws4_request
    std::string security_token;        // X-Amz-Security-Token
    std::string content_type;
  };

  FakeSts();
  std::string url() const { return server_->url(); }

  // The credentials STS hands out for a role, given who called: the access
  // key id names the role, the session token names the caller, so a chain's
  // final credentials show every hop.
  static std::string AccessKeyIdFor(const std::string& role_arn);
  static std::string SecretFor(const std::string& role_arn);
  static std::string TokenFor(const std::string& role_arn, const std::string& caller);

  // Only `caller` (an access key id) may assume `role_arn`; others get 403
  // AccessDenied. Roles without an entry accept anyone.
  void AllowOnly(const std::string& role_arn, const std::string& caller);
  // The next calls fail with these, in order.
  void FailNext(std::vector<FakeFailure> failures);
  void set_expiration(std::chrono::system_clock::time_point expiration);

  std::vector<Call> calls();
  int hits();

  static FakeFailure Throttling();
  static FakeFailure AccessDenied();

 private:
  std::mutex mutex_;
  std::vector<Call> calls_;
  std::deque<FakeFailure> failures_;
  std::map<std::string, std::string> allowed_callers_;
  std::chrono::system_clock::time_point expiration_;
  int hits_ = 0;
  std::unique_ptr<LoopbackServer> server_;  // last: stopped before the state goes
};

class FakeSso {
 public:
  struct PortalCall {
    std::string token, account_id, role_name;
  };
  struct TokenCall {
    std::string content_type, client_id, client_secret, grant_type, refresh_token;
  };

  FakeSso();
  std::string url() const { return server_->url(); }

  static std::string AccessKeyIdFor(const std::string& account_id, const std::string& role_name);
  static std::string SecretFor(const std::string& role_name);
  static std::string TokenFor(const std::string& role_name);

  // Access tokens the portal accepts.
  void AcceptToken(const std::string& token);
  // What a refresh must present, and the access token (valid for
  // `expires_in`) and refresh token it hands out in exchange.
  void ExpectRefresh(const std::string& client_id, const std::string& client_secret,
                     const std::string& refresh_token, const std::string& new_access_token,
                     const std::string& new_refresh_token, int expires_in_seconds);
  void FailNextPortal(std::vector<FakeFailure> failures);
  void FailNextToken(std::vector<FakeFailure> failures);
  void set_expiration(std::chrono::system_clock::time_point expiration);

  std::vector<PortalCall> portal_calls();
  std::vector<TokenCall> token_calls();

 private:
  std::mutex mutex_;
  std::set<std::string> accepted_tokens_;
  std::vector<PortalCall> portal_calls_;
  std::vector<TokenCall> token_calls_;
  std::deque<FakeFailure> portal_failures_;
  std::deque<FakeFailure> token_failures_;
  std::string client_id_, client_secret_, refresh_token_;
  std::string new_access_token_, new_refresh_token_;
  int expires_in_ = 0;
  std::chrono::system_clock::time_point expiration_;
  std::unique_ptr<LoopbackServer> server_;
};

}  // namespace mem0::testing

#endif  // MEM0_TESTS_SUPPORT_FAKE_IDENTITY_SERVICES_H_
