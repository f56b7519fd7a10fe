#include "aws/aws_profile.h"

#include <cctype>
#include <fstream>
#include <sstream>
#include <utility>

#include "core/strings.h"

namespace mem0::aws::profile {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Cuts an inline comment: `;` or `#` only counts when whitespace precedes it,
// so values such as `a#b` survive.
std::string_view StripInlineComment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && IsBlank(value[i - 1])) {
      return Trim(value.substr(0, i));
    }
  }
  return value;
}

std::optional<std::string> ReadFile(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> NonEmpty(const EnvironmentLookup& env, std::string_view name) {
  if (!env) return std::nullopt;
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// Parses profiles and, when `sso_sessions` is set, `[sso-session NAME]`
// sections of a config file into it.
ProfileMap Parse(std::string_view text, FileKind kind, ProfileMap* sso_sessions) {
  ProfileMap profiles;
  // In the config file `[profile default]` beats `[default]` (as in the
  // SDKs), so the unprefixed form is collected separately.
  ProfileSettings plain_default;
  bool saw_prefixed_default = false;
  bool saw_plain_default = false;

  ProfileSettings* section = nullptr;  // null: outside any profile
  std::string property;                // last key, for continuation lines
  bool property_has_sub_properties = false;

  size_t pos = 0;
  while (pos <= text.size()) {
    size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) newline = text.size();
    std::string_view line = text.substr(pos, newline - pos);
    pos = newline + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') continue;

    // Indented lines belong to the previous property.
    if (IsBlank(line.front()) && section != nullptr && !property.empty()) {
      size_t equals = trimmed.find('=');
      if (property_has_sub_properties && equals != std::string_view::npos) {
        std::string sub_key = Lower(Trim(trimmed.substr(0, equals)));
        if (!sub_key.empty()) {
          (*section)[property + "." + sub_key] =
              std::string(StripInlineComment(Trim(trimmed.substr(equals + 1))));
        }
      } else if (!property_has_sub_properties) {
        (*section)[property].append("\n").append(trimmed);
      }
      continue;
    }

    if (trimmed.front() == '[') {
      section = nullptr;
      property.clear();
      size_t close = trimmed.find(']');
      if (close == std::string_view::npos) continue;  // malformed header
      std::string_view after = Trim(trimmed.substr(close + 1));
      if (!after.empty() && after.front() != '#' && after.front() != ';') continue;
      std::string_view name = Trim(trimmed.substr(1, close - 1));
      if (name.empty()) continue;
      if (kind == FileKind::kCredentials) {
        section = &profiles[std::string(name)];
        continue;
      }
      if (name == "default") {
        saw_plain_default = true;
        section = &plain_default;
        continue;
      }
      constexpr std::string_view kPrefix = "profile";
      if (name.substr(0, kPrefix.size()) == kPrefix && name.size() > kPrefix.size() &&
          IsBlank(name[kPrefix.size()])) {
        std::string profile_name(Trim(name.substr(kPrefix.size())));
        if (profile_name == "default") saw_prefixed_default = true;
        section = &profiles[profile_name];
      }
      constexpr std::string_view kSsoSessionPrefix = "sso-session";
      if (sso_sessions != nullptr &&
          name.substr(0, kSsoSessionPrefix.size()) == kSsoSessionPrefix &&
          name.size() > kSsoSessionPrefix.size() && IsBlank(name[kSsoSessionPrefix.size()])) {
        section = &(*sso_sessions)[std::string(Trim(name.substr(kSsoSessionPrefix.size())))];
      }
      // Any other config section (services, ...) is not a profile.
      continue;
    }

    if (section == nullptr) continue;
    size_t equals = trimmed.find('=');
    if (equals == std::string_view::npos) continue;  // not a property; ignored
    std::string key = Lower(Trim(trimmed.substr(0, equals)));
    if (key.empty()) continue;
    std::string_view value = StripInlineComment(Trim(trimmed.substr(equals + 1)));
    (*section)[key] = std::string(value);
    property = key;
    property_has_sub_properties = value.empty();
  }

  if (kind == FileKind::kConfig && saw_plain_default && !saw_prefixed_default) {
    profiles["default"] = std::move(plain_default);
  }
  return profiles;
}

}  // namespace

ProfileMap ParseProfiles(std::string_view text, FileKind kind) {
  return Parse(text, kind, nullptr);
}

ProfileMap ParseSsoSessions(std::string_view text) {
  ProfileMap sso_sessions;
  Parse(text, FileKind::kConfig, &sso_sessions);
  return sso_sessions;
}

std::optional<ProfileSettings> LoadSsoSession(const EnvironmentLookup& env, std::string_view name) {
  auto text = ReadFile(ConfigFilePath(env));
  if (!text) return std::nullopt;
  ProfileMap sso_sessions = ParseSsoSessions(*text);
  auto it = sso_sessions.find(std::string(name));
  if (it == sso_sessions.end()) return std::nullopt;
  return std::move(it->second);
}

std::string ExpandHome(const EnvironmentLookup& env, std::string path) {
  if (path == "~" || path.rfind("~/", 0) == 0) {
    if (auto home = NonEmpty(env, "HOME")) return *home + path.substr(1);
  }
  return path;
}

std::string CredentialsFilePath(const EnvironmentLookup& env) {
  if (auto path = NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE")) return ExpandHome(env, *path);
  if (auto home = NonEmpty(env, "HOME")) return *home + "/.aws/credentials";
  return {};
}

std::string ConfigFilePath(const EnvironmentLookup& env) {
  if (auto path = NonEmpty(env, "AWS_CONFIG_FILE")) return ExpandHome(env, *path);
  if (auto home = NonEmpty(env, "HOME")) return *home + "/.aws/config";
  return {};
}

std::string ResolveProfileName(const EnvironmentLookup& env, std::string_view explicit_profile) {
  if (!explicit_profile.empty()) return std::string(explicit_profile);
  if (auto profile = NonEmpty(env, "AWS_PROFILE")) return *profile;
  return "default";
}

std::optional<ProfileSettings> LoadProfile(const EnvironmentLookup& env, std::string_view profile) {
  std::optional<ProfileSettings> merged;
  if (auto text = ReadFile(ConfigFilePath(env))) {
    ProfileMap profiles = ParseProfiles(*text, FileKind::kConfig);
    if (auto it = profiles.find(std::string(profile)); it != profiles.end()) {
      merged = std::move(it->second);
    }
  }
  if (auto text = ReadFile(CredentialsFilePath(env))) {
    ProfileMap profiles = ParseProfiles(*text, FileKind::kCredentials);
    if (auto it = profiles.find(std::string(profile)); it != profiles.end()) {
      if (!merged) merged.emplace();
      for (auto& [key, value] : it->second) (*merged)[key] = std::move(value);
    }
  }
  return merged;
}

}  // namespace mem0::aws::profile
