// Block-style YAML from a JSON tree (CloudFormation templates).
#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "mem0/provision/provisioning.h"
#include "provision/provision_internal.h"

namespace mem0::provision {

// ---------------------------------------------------------------------------
// YAML rendering of a JSON tree (block style). Strings are plain only when no
// YAML 1.1 or 1.2 parser could read them as anything but that string.

bool IsPlainSafe(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])) || s.back() == ':') {
    return false;
  }
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' &&
        c != ':' && c != '/') {
      return false;
    }
  }
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static const std::set<std::string> kReserved = {"true", "false", "yes", "no", "on",
                                                  "off",  "null",  "y",   "n",  "nan"};
  return !kReserved.count(lower);
}

std::string YamlScalar(const Json& value) {
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    return IsPlainSafe(s) ? s : value.dump();  // JSON strings are valid YAML double-quoted
  }
  return value.dump();
}

void EmitYamlNode(const Json& node, int indent, std::string& out);

void EmitYamlMap(const Json& map, int indent, bool first_inline, std::string& out) {
  bool first = true;
  for (const auto& [key, value] : map.items()) {
    if (!(first && first_inline)) out += std::string(static_cast<size_t>(indent), ' ');
    first = false;
    out += YamlScalar(Json(key)) + ":";
    if (value.is_object() && !value.empty()) {
      out += "\n";
      EmitYamlMap(value, indent + 2, false, out);
    } else if (value.is_array() && !value.empty()) {
      out += "\n";
      EmitYamlNode(value, indent + 2, out);
    } else {
      // append(), not a chain of +: GCC 12's -Wrestrict misfires on the
      // inlined operator+ here in Release builds.
      out.append(" ")
          .append(value.is_object()  ? std::string("{}")
                  : value.is_array() ? std::string("[]")
                                     : YamlScalar(value))
          .append("\n");
    }
  }
}

void EmitYamlNode(const Json& node, int indent, std::string& out) {
  if (node.is_object()) {
    EmitYamlMap(node, indent, false, out);
    return;
  }
  for (const auto& item : node) {
    out += std::string(static_cast<size_t>(indent), ' ') + "-";
    if (item.is_object() && !item.empty()) {
      out += " ";
      EmitYamlMap(item, indent + 2, true, out);
    } else if (item.is_array() && !item.empty()) {
      out += "\n";
      EmitYamlNode(item, indent + 2, out);
    } else {
      out.append(" ")
          .append(item.is_object()  ? std::string("{}")
                  : item.is_array() ? std::string("[]")
                                    : YamlScalar(item))
          .append("\n");
    }
  }
}

}  // namespace mem0::provision
