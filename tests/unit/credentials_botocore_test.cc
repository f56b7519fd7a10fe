// Shared-profile credentials against botocore, the resolver behind the AWS
// CLI and boto3: both resolve the same config files and SSO token cache in a
// temporary HOME against the same loopback STS and IAM Identity Center
// servers, and must arrive at the same credentials. botocore runs in
// tests/support/botocore_credentials.py under $MEM0_PYTHON (default python3)
// with only the variables below in its environment; it is a declared test
// dependency, so its absence fails these tests rather than skipping them.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mem0/aws/credentials.h"
#include "support/fake_identity_services.h"
#include "support/test_env.h"

namespace mem0::aws {
namespace {

using mem0::testing::CommandResult;
using mem0::testing::EnvFrom;
using mem0::testing::FakeSso;
using mem0::testing::FakeSts;
using mem0::testing::IsoTime;
using mem0::testing::Sha1Hex;
using mem0::testing::TempDir;
using std::chrono::system_clock;
using namespace std::chrono_literals;

constexpr char kBaseKeyId[] = "AKIDCROSSCHECKBASE";
constexpr char kBaseSecret[] = "cross/check+base-secret";
constexpr char kCorpToken[] = "corp-access-token";
constexpr char kLegacyToken[] = "legacy-access-token";
constexpr char kLegacyStartUrl[] = "https://legacy.awsapps.com/start";

// The interpreter's real path: the test runs it with a cleared environment,
// where a shim (pyenv, asdf) could not find its own configuration.
std::string PythonExecutable() {
  static const std::string path = [] {
    CommandResult result = mem0::testing::RunCommand(
        {mem0::testing::PythonWithBoto3(), "-c", "import sys; sys.stdout.write(sys.executable)"});
    return result.exit_code == 0 && !result.out.empty() ? result.out
                                                        : mem0::testing::PythonWithBoto3();
  }();
  return path;
}

class CredentialsBotocoreTest : public ::testing::Test {
 protected:
  CredentialsBotocoreTest() {
    // botocore compares expirations with the real clock: hand out
    // credentials and tokens valid for a while from now.
    const auto now = system_clock::now();
    sts_.set_expiration(now + 1h);
    sso_.set_expiration(now + 1h);
    sso_.AcceptToken(kCorpToken);
    sso_.AcceptToken(kLegacyToken);

    env_["HOME"] = home_.path();
    env_["AWS_CONFIG_FILE"] = home_.path() + "/.aws/config";
    env_["AWS_SHARED_CREDENTIALS_FILE"] = home_.path() + "/.aws/credentials";
    env_["AWS_ENDPOINT_URL_STS"] = sts_.url();
    env_["AWS_ENDPOINT_URL_SSO"] = sso_.url();
    env_["AWS_ENDPOINT_URL_SSO_OIDC"] = sso_.url();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";

    home_.Write(".aws/credentials", std::string("[base]\naws_access_key_id = ") + kBaseKeyId +
                                        "\naws_secret_access_key = " + kBaseSecret + "\n");
    home_.Write(".aws/config",
                "[profile chained]\n"
                "role_arn = arn:aws:iam::111111111111:role/app\n"
                "source_profile = middle\n"
                "role_session_name = cross-check\n"
                "external_id = ext-42\n"
                "duration_seconds = 3600\n"
                "region = us-east-1\n"
                "[profile middle]\n"
                "role_arn = arn:aws:iam::222222222222:role/middle\n"
                "source_profile = base\n"
                "[profile sso-user]\n"
                "sso_session = corp\n"
                "sso_account_id = 123456789012\n"
                "sso_role_name = Developer\n"
                "region = eu-west-1\n"
                "[sso-session corp]\n"
                "sso_start_url = https://corp.awsapps.com/start\n"
                "sso_region = eu-central-1\n"
                "sso_registration_scopes = sso:account:access\n"
                "[profile legacy-sso]\n"
                "sso_start_url = " +
                    std::string(kLegacyStartUrl) +
                    "\n"
                    "sso_region = us-west-2\n"
                    "sso_account_id = 210987654321\n"
                    "sso_role_name = ReadOnly\n"
                    "region = us-west-2\n"
                    "[profile admin-via-sso]\n"
                    "role_arn = arn:aws:iam::333333333333:role/admin\n"
                    "source_profile = sso-user\n"
                    "role_session_name = admin-session\n"
                    "region = eu-west-1\n");
    WriteToken("corp", kCorpToken, now + 8h);
    nlohmann::json legacy = {{"startUrl", kLegacyStartUrl},
                             {"region", "us-west-2"},
                             {"accessToken", kLegacyToken},
                             {"expiresAt", IsoTime(now + 8h)}};
    home_.Write(".aws/sso/cache/" + Sha1Hex(kLegacyStartUrl) + ".json", legacy.dump());
  }

  void WriteToken(const std::string& session, const std::string& token,
                  system_clock::time_point expires_at) {
    nlohmann::json document = {{"startUrl", "https://corp.awsapps.com/start"},
                               {"region", "eu-central-1"},
                               {"accessToken", token},
                               {"expiresAt", IsoTime(expires_at)},
                               {"clientId", "corp-client"},
                               {"clientSecret", "corp-client-secret"},
                               {"registrationExpiresAt", IsoTime(expires_at + 24h * 80)},
                               {"refreshToken", "corp-refresh-token"}};
    home_.Write(".aws/sso/cache/" + Sha1Hex(session) + ".json", document.dump());
  }

  // Ours, through the default chain with the real clock, like botocore.
  Credentials Ours(const std::string& profile) {
    auto env = env_;
    env["AWS_PROFILE"] = profile;
    CredentialsChainOptions options;
    options.env.environment = EnvFrom(env);
    auto credentials = MakeDefaultCredentialsChain(options)->GetCredentials();
    EXPECT_TRUE(credentials.ok()) << credentials.error().ToString();
    return credentials.ok() ? *credentials : Credentials{};
  }

  // botocore's frozen credentials; with `known_bug` set, an error whose text
  // contains it is returned as {"error": ...} instead of failing the test.
  nlohmann::json Botocore(const std::string& profile, const std::string& known_bug = "") {
    std::vector<std::string> argv = {"env", "-i"};
    for (const auto& [name, value] : env_) argv.push_back(name + "=" + value);
    argv.push_back("AWS_PROFILE=" + profile);
    if (const char* path = std::getenv("PATH")) argv.push_back(std::string("PATH=") + path);
    argv.push_back(PythonExecutable());
    argv.push_back(MEM0_SOURCE_DIR "/tests/support/botocore_credentials.py");
    CommandResult result = mem0::testing::RunCommand(argv);
    nlohmann::json reply = nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
    if (result.exit_code == 3) {
      ADD_FAILURE() << "botocore is a declared test dependency but is unavailable: " << result.out
                    << ". Install it (pip install botocore) or point MEM0_PYTHON at a python "
                       "that has it.";
      return {};
    }
    if (!known_bug.empty() && reply.is_object() && reply.contains("error") &&
        reply["error"].get<std::string>().find(known_bug) != std::string::npos) {
      return reply;
    }
    if (result.exit_code != 0 || !reply.is_object() || !reply.contains("access_key")) {
      ADD_FAILURE() << "botocore could not resolve profile " << profile << " (exit "
                    << result.exit_code << "): " << result.out << "\nstderr: " << result.err;
      return {};
    }
    std::cout << "[ botocore " << reply["botocore_version"].get<std::string>() << " ] " << profile
              << ": " << reply["method"].get<std::string>() << "\n";
    return reply;
  }

  void ExpectSameCredentials(const std::string& profile, const std::string& expected_key) {
    ExpectSameCredentials(profile, expected_key, Botocore(profile));
  }

  void ExpectSameCredentials(const std::string& profile, const std::string& expected_key,
                             const nlohmann::json& theirs) {
    Credentials ours = Ours(profile);
    ASSERT_TRUE(theirs.is_object());
    EXPECT_EQ(ours.access_key_id, expected_key);
    EXPECT_EQ(ours.access_key_id, theirs.value("access_key", "<none>"));
    EXPECT_EQ(ours.secret_access_key, theirs.value("secret_key", "<none>"));
    EXPECT_EQ(ours.session_token, theirs.value("token", "<none>"));
  }

  TempDir home_;
  FakeSts sts_;
  FakeSso sso_;
  std::map<std::string, std::string> env_;
};

TEST_F(CredentialsBotocoreTest, AssumeRoleThroughASourceProfileChain) {
  const std::string app = "arn:aws:iam::111111111111:role/app";
  const std::string middle = "arn:aws:iam::222222222222:role/middle";
  sts_.AllowOnly(middle, kBaseKeyId);
  sts_.AllowOnly(app, FakeSts::AccessKeyIdFor(middle));
  ExpectSameCredentials("chained", FakeSts::AccessKeyIdFor(app));
  EXPECT_EQ(FakeSts::TokenFor(app, FakeSts::AccessKeyIdFor(middle)), Ours("chained").session_token);

  // Both sent the same AssumeRole calls: middle, then app, per resolution.
  auto calls = sts_.calls();
  ASSERT_EQ(calls.size(), 6u);
  for (size_t i = 0; i < calls.size(); i += 2) {
    SCOPED_TRACE(i);
    EXPECT_EQ(calls[i].role_arn, middle);
    EXPECT_EQ(calls[i].signer_access_key_id, kBaseKeyId);
    EXPECT_EQ(calls[i + 1].role_arn, app);
    EXPECT_EQ(calls[i + 1].signer_access_key_id, FakeSts::AccessKeyIdFor(middle));
    EXPECT_EQ(calls[i + 1].session_name, "cross-check");
    EXPECT_EQ(calls[i + 1].external_id, "ext-42");
    EXPECT_EQ(calls[i + 1].duration_seconds, "3600");
    EXPECT_NE(calls[i + 1].credential_scope.find("/us-east-1/sts/aws4_request"), std::string::npos);
  }
}

TEST_F(CredentialsBotocoreTest, SsoSessionProfile) {
  ExpectSameCredentials("sso-user", FakeSso::AccessKeyIdFor("123456789012", "Developer"));
  for (const auto& call : sso_.portal_calls()) EXPECT_EQ(call.token, kCorpToken);
  EXPECT_TRUE(sso_.token_calls().empty());
}

TEST_F(CredentialsBotocoreTest, LegacySsoProfile) {
  ExpectSameCredentials("legacy-sso", FakeSso::AccessKeyIdFor("210987654321", "ReadOnly"));
  for (const auto& call : sso_.portal_calls()) EXPECT_EQ(call.token, kLegacyToken);
}

TEST_F(CredentialsBotocoreTest, AssumeRoleWithAnSsoSourceProfile) {
  const std::string admin = "arn:aws:iam::333333333333:role/admin";
  sts_.AllowOnly(admin, FakeSso::AccessKeyIdFor("123456789012", "Developer"));
  // botocore releases before boto/botocore#2851 (February 2023; Debian 12
  // ships 1.29.27) build the SSO token provider for the top-level profile
  // only, so an sso_session source_profile fails there with "'NoneType'
  // object has no attribute 'get_frozen_token'" (boto/botocore#2828).
  nlohmann::json theirs = Botocore("admin-via-sso", "get_frozen_token");
  if (theirs.is_object() && theirs.contains("error")) {
    EXPECT_EQ(Ours("admin-via-sso").access_key_id, FakeSts::AccessKeyIdFor(admin));
    GTEST_SKIP() << "this botocore cannot use an sso_session profile as source_profile "
                    "(boto/botocore#2828, fixed by #2851): "
                 << theirs["error"].get<std::string>();
  }
  ExpectSameCredentials("admin-via-sso", FakeSts::AccessKeyIdFor(admin), theirs);
}

TEST_F(CredentialsBotocoreTest, BotocoreReadsTheTokenCacheWeRefreshed) {
  // Ten minutes left: we refresh through SSO OIDC and rewrite the cache;
  // botocore then finds a fresh token there and uses it as is.
  WriteToken("corp", kCorpToken, system_clock::now() + 10min);
  sso_.ExpectRefresh("corp-client", "corp-client-secret", "corp-refresh-token",
                     "refreshed-access-token", "rotated-refresh-token", 28800);
  Credentials ours = Ours("sso-user");
  ASSERT_EQ(sso_.token_calls().size(), 1u);
  nlohmann::json theirs = Botocore("sso-user");
  ASSERT_TRUE(theirs.is_object());
  EXPECT_EQ(ours.access_key_id, theirs.value("access_key", "<none>"));
  EXPECT_EQ(ours.session_token, theirs.value("token", "<none>"));
  EXPECT_EQ(sso_.token_calls().size(), 1u);  // botocore did not need to refresh
  auto portal = sso_.portal_calls();
  ASSERT_EQ(portal.size(), 2u);
  EXPECT_EQ(portal[0].token, "refreshed-access-token");
  EXPECT_EQ(portal[1].token, "refreshed-access-token");
}

TEST_F(CredentialsBotocoreTest, WeReadTheTokenCacheBotocoreRefreshed) {
  WriteToken("corp", kCorpToken, system_clock::now() + 10min);
  sso_.ExpectRefresh("corp-client", "corp-client-secret", "corp-refresh-token",
                     "botocore-refreshed-token", "rotated-refresh-token", 28800);
  nlohmann::json theirs = Botocore("sso-user");
  ASSERT_TRUE(theirs.is_object());
  ASSERT_EQ(sso_.token_calls().size(), 1u);
  Credentials ours = Ours("sso-user");
  EXPECT_EQ(ours.access_key_id, theirs.value("access_key", "<none>"));
  EXPECT_EQ(sso_.token_calls().size(), 1u);  // the rotated token was fresh
  auto portal = sso_.portal_calls();
  ASSERT_EQ(portal.size(), 2u);
  EXPECT_EQ(portal[1].token, "botocore-refreshed-token");
}

}  // namespace
}  // namespace mem0::aws
