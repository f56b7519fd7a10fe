// IAM Identity Center (SSO) profiles against a loopback portal and SSO OIDC:
// the token cache under ~/.aws/sso/cache, refresh through CreateToken, the
// portal's GetRoleCredentials, errors and retries.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aws/aws_profile.h"
#include "mem0/aws/credentials.h"
#include "support/fake_identity_services.h"
#include "support/test_env.h"

namespace mem0::aws {
namespace {

using mem0::testing::EnvFrom;
using mem0::testing::ExpectNoSecrets;
using mem0::testing::FakeClock;
using mem0::testing::FakeSso;
using mem0::testing::FakeSts;
using mem0::testing::IsoTime;
using mem0::testing::RecordingSleeper;
using mem0::testing::Sha1Hex;
using mem0::testing::TempDir;
using std::chrono::system_clock;
using namespace std::chrono_literals;

// The fake services' default Expiration: 2030-01-01T00:00:00Z.
const system_clock::time_point kExpiration =
    system_clock::time_point(std::chrono::seconds(1893456000));
const system_clock::time_point kNow = kExpiration - 1h;

constexpr char kStartUrl[] = "https://corp.awsapps.com/start";
constexpr char kAccessToken[] = "cached-access-token-SECRET";
constexpr char kRefreshToken[] = "refresh-token-SECRET";
constexpr char kClientSecret[] = "client-secret-SECRET";

class CredentialsSsoTest : public ::testing::Test {
 protected:
  CredentialsSsoTest()
      : clock_(std::make_shared<FakeClock>(kNow)), sleeper_(std::make_shared<RecordingSleeper>()) {
    env_["HOME"] = home_.path();
    env_["AWS_EC2_METADATA_DISABLED"] = "true";
    env_["AWS_ENDPOINT_URL_SSO"] = sso_.url();
    env_["AWS_ENDPOINT_URL_SSO_OIDC"] = sso_.url();
    home_.Write(".aws/config",
                "[profile dev]\n"
                "sso_session = corp\n"
                "sso_account_id = 123456789012\n"
                "sso_role_name = Developer\n"
                "region = eu-west-1\n"
                "[sso-session corp]\n"
                "sso_start_url = " +
                    std::string(kStartUrl) +
                    "\n"
                    "sso_region = eu-central-1\n"
                    "sso_registration_scopes = sso:account:access\n"
                    "[profile legacy]\n"
                    "sso_start_url = https://legacy.awsapps.com/start\n"
                    "sso_region = us-west-2\n"
                    "sso_account_id = 210987654321\n"
                    "sso_role_name = ReadOnly\n");
    sso_.AcceptToken(kAccessToken);
  }

  CredentialsChainOptions Options(const std::string& profile) {
    CredentialsChainOptions options;
    options.env.environment = EnvFrom(env_);
    options.env.clock = clock_;
    options.env.sleeper = sleeper_;
    options.profile = profile;
    return options;
  }

  Result<Credentials> Fetch(const std::string& profile) {
    return MakeProfileCredentialsProvider(Options(profile))->GetCredentials();
  }

  // The cache file for a session name (or a legacy start URL).
  std::string CacheName(const std::string& key) {
    return ".aws/sso/cache/" + Sha1Hex(key) + ".json";
  }

  void WriteToken(const std::string& key, system_clock::time_point expires_at,
                  bool refreshable = true) {
    nlohmann::json token = {{"startUrl", kStartUrl},
                            {"region", "eu-central-1"},
                            {"accessToken", kAccessToken},
                            {"expiresAt", IsoTime(expires_at)}};
    if (refreshable) {
      token["refreshToken"] = kRefreshToken;
      token["clientId"] = "client-id-1";
      token["clientSecret"] = kClientSecret;
      token["registrationExpiresAt"] = IsoTime(kExpiration + 24h * 80);
    }
    home_.Write(CacheName(key), token.dump(2));
  }

  void ExpectNoTokenSecrets(const Error& error) {
    ExpectNoSecrets(error, {kAccessToken, kRefreshToken, kClientSecret, "new-access-token",
                            "sso-secret/", "sso-session-token/"});
  }

  TempDir home_;
  std::map<std::string, std::string> env_;
  std::shared_ptr<FakeClock> clock_;
  std::shared_ptr<RecordingSleeper> sleeper_;
  FakeSso sso_;
};

TEST(ProfileParserTest, ReadsSsoSessionSectionsSeparately) {
  const std::string text =
      "[sso-session corp]\n"
      "sso_start_url = https://corp.awsapps.com/start ; comment\n"
      "SSO_Region = eu-central-1\n"
      "[profile corp]\n"
      "region = us-east-1\n"
      "[sso-sessionbad]\n"
      "x = y\n";
  auto sessions = profile::ParseSsoSessions(text);
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions["corp"]["sso_start_url"], "https://corp.awsapps.com/start");
  EXPECT_EQ(sessions["corp"]["sso_region"], "eu-central-1");
  auto profiles = profile::ParseProfiles(text, profile::FileKind::kConfig);
  EXPECT_EQ(profiles.size(), 1u);
  EXPECT_EQ(profiles["corp"]["region"], "us-east-1");
}

TEST_F(CredentialsSsoTest, SsoSessionProfileUsesTheCachedTokenWithThePortal) {
  WriteToken("corp", kNow + 2h);
  auto credentials = Fetch("dev");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSso::AccessKeyIdFor("123456789012", "Developer"));
  EXPECT_EQ(credentials->secret_access_key, FakeSso::SecretFor("Developer"));
  EXPECT_EQ(credentials->session_token, FakeSso::TokenFor("Developer"));
  EXPECT_EQ(credentials->expiration, kExpiration);  // from milliseconds since the epoch

  auto calls = sso_.portal_calls();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].token, kAccessToken);
  EXPECT_EQ(calls[0].account_id, "123456789012");
  EXPECT_EQ(calls[0].role_name, "Developer");
  EXPECT_TRUE(sso_.token_calls().empty());  // two hours left: no refresh
}

TEST_F(CredentialsSsoTest, LegacyProfileKeysTheCacheByStartUrl) {
  WriteToken("https://legacy.awsapps.com/start", kNow + 2h);
  auto credentials = Fetch("legacy");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->access_key_id, FakeSso::AccessKeyIdFor("210987654321", "ReadOnly"));
}

TEST_F(CredentialsSsoTest, BotocoresUtcSuffixInExpiresAtIsAccepted) {
  nlohmann::json token = {{"accessToken", kAccessToken},
                          {"expiresAt", "2029-12-31T23:30:00UTC"},
                          {"startUrl", "https://legacy.awsapps.com/start"}};
  home_.Write(CacheName("https://legacy.awsapps.com/start"), token.dump());
  auto credentials = Fetch("legacy");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
}

TEST_F(CredentialsSsoTest, NearExpiryTokenIsRefreshedAndTheCacheRewritten) {
  WriteToken("corp", kNow + 10min);
  sso_.ExpectRefresh("client-id-1", kClientSecret, kRefreshToken, "new-access-token",
                     "new-refresh-token", 28800);
  auto credentials = Fetch("dev");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();

  auto token_calls = sso_.token_calls();
  ASSERT_EQ(token_calls.size(), 1u);
  EXPECT_EQ(token_calls[0].grant_type, "refresh_token");
  EXPECT_EQ(token_calls[0].client_id, "client-id-1");
  EXPECT_EQ(token_calls[0].client_secret, kClientSecret);
  EXPECT_EQ(token_calls[0].refresh_token, kRefreshToken);
  EXPECT_EQ(token_calls[0].content_type.rfind("application/json", 0), 0u);
  auto portal_calls = sso_.portal_calls();
  ASSERT_EQ(portal_calls.size(), 1u);
  EXPECT_EQ(portal_calls[0].token, "new-access-token");

  const std::string path = home_.path() + "/" + CacheName("corp");
  nlohmann::json cached = nlohmann::json::parse(home_.Read(CacheName("corp")));
  EXPECT_EQ(cached["accessToken"], "new-access-token");
  EXPECT_EQ(cached["refreshToken"], "new-refresh-token");
  EXPECT_EQ(cached["expiresAt"], IsoTime(kNow + 28800s));
  EXPECT_EQ(cached["clientId"], "client-id-1");
  EXPECT_EQ(cached["clientSecret"], kClientSecret);
  EXPECT_EQ(cached["startUrl"], kStartUrl);
  EXPECT_EQ(cached["region"], "eu-central-1");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // No temporary files left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(home_.path() + "/.aws/sso/cache")) {
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST_F(CredentialsSsoTest, LegacyProfilesAreNeverRefreshed) {
  WriteToken("https://legacy.awsapps.com/start", kNow + 5min);
  sso_.ExpectRefresh("client-id-1", kClientSecret, kRefreshToken, "new-access-token", "r", 3600);
  auto credentials = Fetch("legacy");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_TRUE(sso_.token_calls().empty());
  EXPECT_EQ(sso_.portal_calls().at(0).token, kAccessToken);
}

TEST_F(CredentialsSsoTest, FailedRefreshKeepsUsingAStillValidToken) {
  WriteToken("corp", kNow + 5min);
  // No ExpectRefresh: the fake OIDC answers invalid_grant.
  auto credentials = Fetch("dev");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(sso_.token_calls().size(), 1u);
  EXPECT_EQ(sso_.portal_calls().at(0).token, kAccessToken);
}

TEST_F(CredentialsSsoTest, ExpiredTokenWithFailedRefreshTellsToLogIn) {
  WriteToken("corp", kNow - 1min);
  auto credentials = Fetch("dev");
  ASSERT_FALSE(credentials.ok());
  const Error& error = credentials.error();
  EXPECT_EQ(error.code, ErrorCode::kCredentialsError);
  EXPECT_NE(error.message.find("has expired"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("invalid_grant"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("aws sso login --profile dev"), std::string::npos) << error.message;
  EXPECT_TRUE(sso_.portal_calls().empty());
  ExpectNoTokenSecrets(error);
}

TEST_F(CredentialsSsoTest, ExpiredTokenWithoutRefreshTokenTellsToLogIn) {
  WriteToken("corp", kNow - 1s, /*refreshable=*/false);
  auto credentials = Fetch("dev");
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("aws sso login --profile dev"), std::string::npos)
      << credentials.error().message;
  EXPECT_TRUE(sso_.token_calls().empty());
  EXPECT_TRUE(sso_.portal_calls().empty());
  ExpectNoTokenSecrets(credentials.error());
}

TEST_F(CredentialsSsoTest, MissingOrBrokenCacheTellsToLogIn) {
  auto missing = Fetch("dev");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no cached IAM Identity Center token"), std::string::npos)
      << missing.error().message;
  EXPECT_NE(missing.error().message.find(Sha1Hex("corp") + ".json"), std::string::npos);
  EXPECT_NE(missing.error().message.find("aws sso login"), std::string::npos);

  home_.Write(CacheName("corp"), R"({"accessToken": "cached-access-token-SECRET"})");
  auto broken = Fetch("dev");
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("invalid"), std::string::npos) << broken.error().message;
  ExpectNoTokenSecrets(broken.error());
}

TEST_F(CredentialsSsoTest, ConfigurationMistakesAreClearErrors) {
  home_.Write(".aws/config",
              "[profile no-session]\nsso_session = nowhere\nsso_account_id = 1\n"
              "sso_role_name = R\n"
              "[profile partial]\nsso_account_id = 1\nsso_start_url = https://x/start\n"
              "[profile conflict]\nsso_session = corp\nsso_region = us-east-1\n"
              "sso_account_id = 1\nsso_role_name = R\n"
              "[sso-session corp]\nsso_start_url = https://corp/start\nsso_region = eu-west-1\n");
  const std::map<std::string, std::string> expected = {
      {"no-session", "[sso-session nowhere]"},
      {"partial", "lacks sso_region, sso_role_name"},
      {"conflict",
       "sso_region differs between the profile (us-east-1) and sso-session \"corp\" "
       "(eu-west-1)"},
  };
  for (const auto& [profile, text] : expected) {
    auto credentials = Fetch(profile);
    ASSERT_FALSE(credentials.ok()) << profile;
    EXPECT_NE(credentials.error().message.find(text), std::string::npos)
        << profile << ": " << credentials.error().message;
  }
  EXPECT_TRUE(sso_.portal_calls().empty());
}

TEST_F(CredentialsSsoTest, PortalUnauthorizedIsNotRetriedAndTellsToLogIn) {
  WriteToken("corp", kNow + 2h);
  sso_.FailNextPortal({{401, R"({"message":"Session token not found or invalid"})"}});
  auto credentials = Fetch("dev");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 401);
  EXPECT_NE(credentials.error().message.find("aws sso login --profile dev"), std::string::npos)
      << credentials.error().message;
  EXPECT_EQ(sso_.portal_calls().size(), 1u);
  EXPECT_TRUE(sleeper_->delays().empty());
  ExpectNoTokenSecrets(credentials.error());
}

TEST_F(CredentialsSsoTest, PortalForbiddenIsNotRetried) {
  WriteToken("corp", kNow + 2h);
  sso_.FailNextPortal({{403, R"({"message":"No access"})"}});
  auto credentials = Fetch("dev");
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().http_status, 403);
  EXPECT_NE(credentials.error().message.find("No access"), std::string::npos);
  EXPECT_EQ(sso_.portal_calls().size(), 1u);
}

TEST_F(CredentialsSsoTest, PortalAndOidcServerErrorsAreRetried) {
  WriteToken("corp", kNow + 10min);
  sso_.ExpectRefresh("client-id-1", kClientSecret, kRefreshToken, "new-access-token",
                     "new-refresh-token", 3600);
  sso_.FailNextToken({{500, ""}});
  sso_.FailNextPortal({{503, ""}, {429, R"({"message":"Rate exceeded"})"}});
  auto credentials = Fetch("dev");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(sso_.token_calls().size(), 2u);
  EXPECT_EQ(sso_.portal_calls().size(), 3u);
  EXPECT_EQ(sleeper_->delays().size(), 3u);
}

TEST_F(CredentialsSsoTest, RoleCredentialsAreRefreshedBeforeTheyExpire) {
  WriteToken("corp", kExpiration + 8h);
  auto provider = MakeProfileCredentialsProvider(Options("dev"));
  ASSERT_TRUE(provider->GetCredentials().ok());
  ASSERT_TRUE(provider->GetCredentials().ok());
  EXPECT_EQ(sso_.portal_calls().size(), 1u);
  clock_->Advance(std::chrono::duration_cast<std::chrono::milliseconds>(1h - 299s));
  sso_.set_expiration(kExpiration + 1h);
  auto refreshed = provider->GetCredentials();
  ASSERT_TRUE(refreshed.ok()) << refreshed.error().ToString();
  EXPECT_EQ(refreshed->expiration, kExpiration + 1h);
  EXPECT_EQ(sso_.portal_calls().size(), 2u);
}

TEST_F(CredentialsSsoTest, AssumeRoleWithAnSsoSourceProfile) {
  FakeSts sts;
  WriteToken("corp", kNow + 2h);
  home_.Write(".aws/config", home_.Read(".aws/config") +
                                 "[profile admin]\nrole_arn = arn:aws:iam::999:role/admin\n"
                                 "source_profile = dev\n");
  env_["AWS_ENDPOINT_URL_STS"] = sts.url();
  const std::string sso_key = FakeSso::AccessKeyIdFor("123456789012", "Developer");
  sts.AllowOnly("arn:aws:iam::999:role/admin", sso_key);
  auto credentials = Fetch("admin");
  ASSERT_TRUE(credentials.ok()) << credentials.error().ToString();
  EXPECT_EQ(credentials->session_token, FakeSts::TokenFor("arn:aws:iam::999:role/admin", sso_key));
  ASSERT_EQ(sts.calls().size(), 1u);
  EXPECT_EQ(sts.calls()[0].security_token, FakeSso::TokenFor("Developer"));
}

TEST_F(CredentialsSsoTest, ProfileWithOnlyASessionIsNotACredentialsProfile) {
  home_.Write(".aws/config",
              "[profile token-only]\nsso_session = corp\n"
              "[sso-session corp]\nsso_start_url = https://corp/start\nsso_region = eu-west-1\n");
  auto credentials = Fetch("token-only");
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("not sso_account_id"), std::string::npos)
      << credentials.error().message;
}

}  // namespace
}  // namespace mem0::aws
