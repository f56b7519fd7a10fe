// dynamodb-shell (ddbsh): the schema script, and a parser and runner for it.
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
namespace {

// ---------------------------------------------------------------------------
// dynamodb-shell

// ddbsh's reserved words (its parser/keywords.cpp); they cannot be unquoted
// identifiers.
const std::set<std::string>& DdbshKeywords() {
  // clang-format off
  static const std::set<std::string> kKeywords = {
      "access", "add", "aes256", "all", "alter", "and", "as", "attribute_exists",
      "attribute_not_exists", "attribute_type", "backup", "backups", "begin", "begins_with",
      "between", "billing", "binary", "both", "brief", "called", "capacity", "check", "class",
      "commit", "connect", "consistent", "consumed", "contains", "create", "delete", "deletion",
      "demand", "describe", "disabled", "drop", "enabled", "end", "endpoint", "exists",
      "explain", "false", "from", "global", "gsi", "hash", "help", "if", "image", "images", "in",
      "include", "index", "indexes", "infrequent", "insert", "into", "is", "key", "keyid",
      "keys", "kms", "like", "limit", "limits", "lsi", "mode", "new", "not", "nowait", "null",
      "number", "numeric", "old", "on", "only", "or", "pitr", "primary", "projecting",
      "protection", "provisioned", "quit", "range", "ratelimit", "rcu", "remove", "replace",
      "replica", "restore", "return", "rollback", "select", "set", "show", "size", "sse",
      "standard", "stream", "string", "table", "tables", "tags", "to", "total", "true", "ttl",
      "update", "updated", "upsert", "values", "version", "wcu", "where", "with"};
  // clang-format on
  return kKeywords;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsDdbshWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

std::string DdbshQuoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    out += c;
    if (c == '"') out += '"';  // ddbsh escapes a quote by doubling it
  }
  return out + "\"";
}

// A bare word when ddbsh's lexer reads it back as an identifier, else quoted.
std::string DdbshName(const std::string& name) {
  bool bare =
      !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) bare = bare && IsDdbshWordChar(c);
  if (bare && !DdbshKeywords().count(Lower(name))) return name;
  return DdbshQuoted(name);
}

const char* DdbshType(ScalarType type) {
  switch (type) {
    case ScalarType::kS:
      return "string";
    case ScalarType::kN:
      return "number";
    case ScalarType::kB:
      return "binary";
  }
  return "string";
}

std::string DdbshKeySchema(const KeyElement& hash, const std::optional<KeyElement>& range) {
  std::string out = "( " + DdbshName(hash.name) + " HASH";
  if (range) out += ", " + DdbshName(range->name) + " RANGE";
  return out + " )";
}

std::string DdbshBilling(const std::string& mode,
                         const std::optional<dynamodb::ProvisionedThroughput>& throughput) {
  if (mode != kProvisioned || !throughput) return "BILLING MODE ON DEMAND";
  return "BILLING MODE PROVISIONED ( " + std::to_string(throughput->read_capacity_units) +
         " RCU, " + std::to_string(throughput->write_capacity_units) + " WCU )";
}

std::string DdbshCreateTable(const CreateTableRequest& request, bool if_not_exists) {
  std::vector<std::string> attributes;
  for (const auto& key : KeyAttributes(request)) {
    attributes.push_back(DdbshName(key.name) + " " + DdbshType(key.type));
  }
  std::string out = std::string(if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ") +
                    DdbshName(request.table_name) + " (\n    " + Join(attributes, ",\n    ") +
                    " )\n";
  out += "  PRIMARY KEY " + DdbshKeySchema(request.hash_key, request.range_key) + "\n";
  out += "  " + DdbshBilling(request.billing_mode, request.throughput);
  if (!request.global_secondary_indexes.empty()) {
    std::vector<std::string> indexes;
    for (const auto& gsi : request.global_secondary_indexes) {
      std::string index = DdbshName(gsi.name) + " ON " +
                          DdbshKeySchema(gsi.hash_key, gsi.range_key) + " PROJECTING " +
                          (gsi.projection_type == "KEYS_ONLY" ? "KEYS ONLY" : "ALL");
      if (request.billing_mode == kProvisioned) {
        index +=
            " " + DdbshBilling(kProvisioned, gsi.throughput ? gsi.throughput : request.throughput);
      }
      indexes.push_back(std::move(index));
    }
    out += "\n  GSI ( " + Join(indexes, ",\n        ") + " )";
  }
  if (request.sse && request.sse->enabled) {
    // ddbsh always names the key; alias/aws/dynamodb is the AWS managed key.
    const std::string key = request.sse->kms_master_key_id.empty() ? "alias/aws/dynamodb"
                                                                   : request.sse->kms_master_key_id;
    out += "\n  SSE ( KEYID " + DdbshQuoted(key) + " KMS )";
  }
  if (!request.table_class.empty()) {
    out += request.table_class == "STANDARD_INFREQUENT_ACCESS"
               ? "\n  TABLE CLASS STANDARD INFREQUENT ACCESS"
               : "\n  TABLE CLASS STANDARD";
  }
  if (request.deletion_protection) out += "\n  DELETION PROTECTION ENABLED";
  if (!request.tags.empty()) {
    std::vector<std::string> tags;
    for (const auto& [key, value] : request.tags) {
      tags.push_back(DdbshQuoted(key) + " : " + DdbshQuoted(value));
    }
    out += "\n  TAGS ( " + Join(tags, ", ") + " )";
  }
  return out + ";\n";
}

// --- ddbsh tokenizer and parser --------------------------------------------

struct Token {
  enum class Kind { kWord, kString, kPunct, kEnd } kind = Kind::kEnd;
  std::string text;
  int line = 0;
};

Result<std::vector<Token>> Tokenize(std::string_view script) {
  std::vector<Token> tokens;
  int line = 1;
  size_t i = 0;
  while (i < script.size()) {
    const char c = script[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if ((c == '-' && i + 1 < script.size() && script[i + 1] == '-') ||
               (c == '/' && i + 1 < script.size() && script[i + 1] == '/')) {
      while (i < script.size() && script[i] != '\n') ++i;  // comment to end of line
    } else if (c == '"') {
      const int start_line = line;
      std::string text;
      ++i;
      while (true) {
        if (i >= script.size()) {
          return InvalidArgument("line " + std::to_string(start_line) +
                                 ": unterminated double-quoted string");
        }
        if (script[i] == '"') {
          if (i + 1 < script.size() && script[i + 1] == '"') {
            text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (script[i] == '\n') ++line;
        text += script[i++];
      }
      tokens.push_back({Token::Kind::kString, std::move(text), start_line});
    } else if (IsDdbshWordChar(c) && c != '-') {
      size_t end = i;
      while (end < script.size() && IsDdbshWordChar(script[end])) ++end;
      tokens.push_back({Token::Kind::kWord, std::string(script.substr(i, end - i)), line});
      i = end;
    } else {
      // Like ddbsh's lexer, any other character is a token of its own; the
      // parser then says which statement it does not belong in.
      tokens.push_back({Token::Kind::kPunct, std::string(1, c), line});
      ++i;
    }
  }
  tokens.push_back({Token::Kind::kEnd, "", line});
  return tokens;
}

class DdbshParser {
 public:
  explicit DdbshParser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::vector<DdbshStatement>> ParseAll() {
    std::vector<DdbshStatement> statements;
    while (Peek().kind != Token::Kind::kEnd) {
      if (PeekPunct(";")) {  // empty statement
        ++pos_;
        continue;
      }
      MEM0_ASSIGN_OR_RETURN(DdbshStatement statement, ParseStatement());
      statements.push_back(std::move(statement));
    }
    return statements;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool PeekKeyword(std::string_view keyword, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == Token::Kind::kWord && Lower(t.text) == Lower(keyword);
  }
  bool PeekPunct(std::string_view punct) const {
    return Peek().kind == Token::Kind::kPunct && Peek().text == punct;
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case Token::Kind::kEnd:
        return "end of input";
      case Token::Kind::kString:
        return "\"" + t.text + "\"";
      case Token::Kind::kWord:
      case Token::Kind::kPunct:
        return "'" + t.text + "'";
    }
    return {};
  }
  Error Unexpected(const std::string& expected) const {
    return InvalidArgument("line " + std::to_string(Peek().line) + ": expected " + expected +
                           ", found " + Describe(Peek()));
  }
  bool AcceptKeyword(std::string_view keyword) {
    if (!PeekKeyword(keyword)) return false;
    ++pos_;
    return true;
  }
  Status ExpectKeyword(std::string_view keyword) {
    if (!AcceptKeyword(keyword)) return Unexpected(std::string(keyword));
    return {};
  }
  Status ExpectPunct(std::string_view punct) {
    if (!PeekPunct(punct)) return Unexpected("'" + std::string(punct) + "'");
    ++pos_;
    return {};
  }
  bool AcceptPunct(std::string_view punct) {
    if (!PeekPunct(punct)) return false;
    ++pos_;
    return true;
  }
  // A table, index or attribute name: a double-quoted string, or a word that
  // is not a ddbsh keyword or a number.
  Result<std::string> ExpectName(const std::string& what) {
    const Token& t = Peek();
    if (t.kind == Token::Kind::kString) {
      ++pos_;
      return t.text;
    }
    if (t.kind == Token::Kind::kWord) {
      if (DdbshKeywords().count(Lower(t.text))) {
        return InvalidArgument("line " + std::to_string(t.line) + ": expected " + what +
                               ", found '" + t.text +
                               "', a ddbsh keyword (double-quote it to use it as a name)");
      }
      if (std::all_of(t.text.begin(), t.text.end(),
                      [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        return Unexpected(what);
      }
      ++pos_;
      return t.text;
    }
    return Unexpected(what);
  }
  Result<std::string> ExpectString(const std::string& what) {
    if (Peek().kind != Token::Kind::kString) return Unexpected(what + " (a double-quoted string)");
    return tokens_[pos_++].text;
  }
  Result<int64_t> ExpectPositive(const std::string& what) {
    const Token& t = Peek();
    int64_t value = 0;
    if (t.kind == Token::Kind::kWord) {
      auto [end, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), value);
      if (ec == std::errc() && end == t.text.data() + t.text.size() && value > 0) {
        ++pos_;
        return value;
      }
    }
    return Unexpected(what + " (a positive whole number)");
  }

  Result<DdbshStatement> ParseStatement() {
    const Token& first = Peek();
    DdbshStatement statement;
    statement.line = first.line;
    if (AcceptKeyword("DROP")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      statement.kind = DdbshStatement::Kind::kDropTable;
      if (AcceptKeyword("IF")) {
        MEM0_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
        statement.if_exists = true;
      }
      statement.nowait = AcceptKeyword("NOWAIT");
      MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
    } else if (AcceptKeyword("CREATE")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      statement.kind = DdbshStatement::Kind::kCreateTable;
      MEM0_RETURN_IF_ERROR(ParseCreateTable(statement));
    } else if (AcceptKeyword("ALTER")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("TABLE"));
      MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("SET"));
      if (AcceptKeyword("TTL")) {
        statement.kind = DdbshStatement::Kind::kSetTtl;
        MEM0_RETURN_IF_ERROR(ExpectPunct("("));
        MEM0_ASSIGN_OR_RETURN(statement.ttl_attribute, ExpectName("the TTL attribute name"));
        MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
      } else if (AcceptKeyword("PITR")) {
        statement.kind = DdbshStatement::Kind::kSetPitr;
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ENABLED"));
      } else {
        return Unexpected(
            "TTL ( attribute ) or PITR ENABLED (the only ALTER TABLE forms "
            "apply-ddbsh runs)");
      }
    } else {
      return InvalidArgument(
          "line " + std::to_string(first.line) + ": unsupported statement starting with " +
          Describe(first) +
          "; apply-ddbsh runs only what `mem0 tables ddbsh` emits: DROP TABLE, CREATE TABLE, "
          "ALTER TABLE ... SET TTL ( attribute ) and ALTER TABLE ... SET PITR ENABLED");
    }
    MEM0_RETURN_IF_ERROR(ExpectPunct(";"));
    return statement;
  }

  Result<KeyElement> KeyOf(const std::map<std::string, ScalarType>& definitions,
                           const std::string& name, int line) {
    auto it = definitions.find(name);
    if (it == definitions.end()) {
      return InvalidArgument("line " + std::to_string(line) + ": key attribute " + name +
                             " is not in the table's attribute list");
    }
    return KeyElement{name, it->second};
  }

  // ( name HASH [, name RANGE] )
  Status ParseKeySchema(const std::map<std::string, ScalarType>& definitions, KeyElement& hash,
                        std::optional<KeyElement>& range, std::set<std::string>& used) {
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    int line = Peek().line;
    MEM0_ASSIGN_OR_RETURN(std::string hash_name, ExpectName("the hash key attribute"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("HASH"));
    MEM0_ASSIGN_OR_RETURN(hash, KeyOf(definitions, hash_name, line));
    used.insert(hash_name);
    if (AcceptPunct(",")) {
      line = Peek().line;
      MEM0_ASSIGN_OR_RETURN(std::string range_name, ExpectName("the range key attribute"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("RANGE"));
      MEM0_ASSIGN_OR_RETURN(range, KeyOf(definitions, range_name, line));
      used.insert(range_name);
    }
    return ExpectPunct(")");
  }

  // BILLING MODE ON DEMAND | BILLING MODE PROVISIONED ( n RCU, n WCU )
  Status ParseBilling(std::string& mode,
                      std::optional<dynamodb::ProvisionedThroughput>& throughput) {
    MEM0_RETURN_IF_ERROR(ExpectKeyword("BILLING"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("MODE"));
    if (AcceptKeyword("ON")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("DEMAND"));
      mode = kPayPerRequest;
      return {};
    }
    if (!AcceptKeyword("PROVISIONED")) return Unexpected("ON DEMAND or PROVISIONED");
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    dynamodb::ProvisionedThroughput t;
    MEM0_ASSIGN_OR_RETURN(t.read_capacity_units, ExpectPositive("read capacity"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("RCU"));
    MEM0_RETURN_IF_ERROR(ExpectPunct(","));
    MEM0_ASSIGN_OR_RETURN(t.write_capacity_units, ExpectPositive("write capacity"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("WCU"));
    MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    mode = kProvisioned;
    throughput = t;
    return {};
  }

  Status ParseCreateTable(DdbshStatement& statement) {
    if (AcceptKeyword("IF")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("NOT"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("EXISTS"));
      statement.if_not_exists = true;
    }
    statement.nowait = AcceptKeyword("NOWAIT");
    MEM0_ASSIGN_OR_RETURN(statement.table, ExpectName("a table name"));
    CreateTableRequest& request = statement.create;
    request.table_name = statement.table;

    // ( name type, ... )
    std::map<std::string, ScalarType> definitions;
    std::vector<std::pair<std::string, int>> definition_order;
    MEM0_RETURN_IF_ERROR(ExpectPunct("("));
    do {
      const int line = Peek().line;
      MEM0_ASSIGN_OR_RETURN(std::string name, ExpectName("an attribute name"));
      ScalarType type;
      if (AcceptKeyword("string")) {
        type = ScalarType::kS;
      } else if (AcceptKeyword("number")) {
        type = ScalarType::kN;
      } else if (AcceptKeyword("binary")) {
        type = ScalarType::kB;
      } else {
        return Unexpected("an attribute type (string, number or binary)");
      }
      if (!definitions.emplace(name, type).second) {
        return InvalidArgument("line " + std::to_string(line) + ": attribute " + name +
                               " is defined twice");
      }
      definition_order.emplace_back(name, line);
    } while (AcceptPunct(","));
    MEM0_RETURN_IF_ERROR(ExpectPunct(")"));

    std::set<std::string> used;
    MEM0_RETURN_IF_ERROR(ExpectKeyword("PRIMARY"));
    MEM0_RETURN_IF_ERROR(ExpectKeyword("KEY"));
    MEM0_RETURN_IF_ERROR(ParseKeySchema(definitions, request.hash_key, request.range_key, used));
    if (!PeekKeyword("BILLING")) {
      return Unexpected("BILLING MODE (apply-ddbsh needs the billing mode spelled out)");
    }
    MEM0_RETURN_IF_ERROR(ParseBilling(request.billing_mode, request.throughput));

    if (AcceptKeyword("GSI")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      do {
        GlobalSecondaryIndex gsi;
        MEM0_ASSIGN_OR_RETURN(gsi.name, ExpectName("an index name"));
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ON"));
        MEM0_RETURN_IF_ERROR(ParseKeySchema(definitions, gsi.hash_key, gsi.range_key, used));
        MEM0_RETURN_IF_ERROR(ExpectKeyword("PROJECTING"));
        if (AcceptKeyword("ALL")) {
          gsi.projection_type = "ALL";
        } else if (AcceptKeyword("KEYS")) {
          MEM0_RETURN_IF_ERROR(ExpectKeyword("ONLY"));
          gsi.projection_type = "KEYS_ONLY";
        } else {
          return Unexpected("ALL or KEYS ONLY");
        }
        if (PeekKeyword("BILLING")) {
          std::string index_mode;
          std::optional<dynamodb::ProvisionedThroughput> index_throughput;
          MEM0_RETURN_IF_ERROR(ParseBilling(index_mode, index_throughput));
          gsi.throughput = index_throughput;
        }
        request.global_secondary_indexes.push_back(std::move(gsi));
      } while (AcceptPunct(","));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    }
    if (AcceptKeyword("SSE")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("KEYID"));
      MEM0_ASSIGN_OR_RETURN(std::string key, ExpectString("the KMS key"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("KMS"));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
      request.sse = dynamodb::SseSpecification{
          true, SseKindOf(key) == SseKind::kAwsManaged ? std::string() : key};
    }
    if (AcceptKeyword("TABLE")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("CLASS"));
      MEM0_RETURN_IF_ERROR(ExpectKeyword("STANDARD"));
      request.table_class = "STANDARD";
      if (AcceptKeyword("INFREQUENT")) {
        MEM0_RETURN_IF_ERROR(ExpectKeyword("ACCESS"));
        request.table_class = "STANDARD_INFREQUENT_ACCESS";
      }
    }
    if (AcceptKeyword("DELETION")) {
      MEM0_RETURN_IF_ERROR(ExpectKeyword("PROTECTION"));
      if (AcceptKeyword("ENABLED")) {
        request.deletion_protection = true;
      } else if (!AcceptKeyword("DISABLED")) {
        return Unexpected("ENABLED or DISABLED");
      }
    }
    if (AcceptKeyword("TAGS")) {
      MEM0_RETURN_IF_ERROR(ExpectPunct("("));
      do {
        MEM0_ASSIGN_OR_RETURN(std::string key, ExpectString("a tag key"));
        MEM0_RETURN_IF_ERROR(ExpectPunct(":"));
        MEM0_ASSIGN_OR_RETURN(std::string value, ExpectString("a tag value"));
        request.tags.emplace_back(std::move(key), std::move(value));
      } while (AcceptPunct(","));
      MEM0_RETURN_IF_ERROR(ExpectPunct(")"));
    }
    // DynamoDB rejects attribute definitions no key uses; say where.
    for (const auto& [name, line] : definition_order) {
      if (!used.count(name)) {
        return InvalidArgument("line " + std::to_string(line) + ": attribute " + name +
                               " is defined but no key or index uses it");
      }
    }
    return {};
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::string> DdbshSchema(const TablesConfig& config, std::string_view generated_by,
                                bool drop_existing) {
  MEM0_RETURN_IF_ERROR(ValidateTablesConfig(config));
  const auto specs = Specs(config);
  std::string out =
      "-- mem0 DynamoDB tables for dynamodb-shell (ddbsh).\n"
      "-- Generated by: " +
      GeneratedBy(generated_by) +
      "\n"
      "-- Without ddbsh: mem0 tables apply-ddbsh < this-file\n";
  out += drop_existing ? "-- WARNING: drops both tables first; every item in them is lost.\n"
                       : "-- Creates what is missing; existing tables and their items stay.\n";
  for (const auto& spec : specs) {
    const std::string name = DdbshName(spec.request.table_name);
    if (drop_existing) out += "\nDROP TABLE IF EXISTS " + name + ";\n";
    out += "\n" + DdbshCreateTable(spec.request, /*if_not_exists=*/!drop_existing);
    if (spec.is_conversation && config.ttl_enabled) {
      out += "\nALTER TABLE " + name + " SET TTL ( " + DdbshName(config.ttl_attribute) + " );\n";
    }
    if (config.point_in_time_recovery) out += "\nALTER TABLE " + name + " SET PITR ENABLED;\n";
  }
  return out;
}

std::string DdbshStatement::ToString() const {
  std::string text = "line " + std::to_string(line) + ": ";
  switch (kind) {
    case Kind::kDropTable:
      return text + "DROP TABLE " + table;
    case Kind::kCreateTable:
      return text + "CREATE TABLE " + table;
    case Kind::kSetTtl:
      return text + "ALTER TABLE " + table + " SET TTL (" + ttl_attribute + ")";
    case Kind::kSetPitr:
      return text + "ALTER TABLE " + table + " SET PITR ENABLED";
  }
  return text;
}

Result<std::vector<DdbshStatement>> ParseDdbsh(std::string_view script) {
  MEM0_ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(script));
  return DdbshParser(std::move(tokens)).ParseAll();
}

Result<std::vector<DdbshStatementOutcome>> ApplyDdbsh(dynamodb::Client& client,
                                                      std::string_view script,
                                                      std::chrono::milliseconds wait_timeout) {
  MEM0_ASSIGN_OR_RETURN(std::vector<DdbshStatement> statements, ParseDdbsh(script));
  std::vector<DdbshStatementOutcome> outcomes;
  for (const auto& statement : statements) {
    const std::string context = statement.ToString();
    std::string outcome;
    switch (statement.kind) {
      case DdbshStatement::Kind::kDropTable: {
        auto deleted = client.DeleteTable(statement.table);
        if (!deleted.ok()) {
          if (deleted.error().code != ErrorCode::kNotFound || !statement.if_exists) {
            return WithContext(deleted.error(), context);
          }
          outcome = "absent";
          break;
        }
        if (!statement.nowait) {
          auto gone = client.WaitUntilDeleted(statement.table, wait_timeout);
          if (!gone.ok()) return WithContext(gone.error(), context);
        }
        outcome = "dropped";
        break;
      }
      case DdbshStatement::Kind::kCreateTable: {
        auto created = client.CreateTable(statement.create);
        if (!created.ok()) {
          if (created.error().code != ErrorCode::kAlreadyExists || !statement.if_not_exists) {
            return WithContext(created.error(), context);
          }
          outcome = "exists";
          break;
        }
        if (!statement.nowait) {
          auto active = client.WaitUntilActive(statement.table, wait_timeout);
          if (!active.ok()) return WithContext(active.error(), context);
        }
        outcome = "created";
        break;
      }
      case DdbshStatement::Kind::kSetTtl: {
        auto ttl = client.DescribeTimeToLive(statement.table);
        if (!ttl.ok()) return WithContext(ttl.error(), context);
        // DynamoDB rejects enabling TTL twice; re-running the script is fine.
        if (TtlOn(*ttl) && ttl->attribute_name == statement.ttl_attribute) {
          outcome = "ttl already enabled on " + statement.ttl_attribute;
          break;
        }
        auto updated = client.UpdateTimeToLive(statement.table, statement.ttl_attribute, true);
        if (!updated.ok()) return WithContext(updated.error(), context);
        outcome = "ttl enabled on " + statement.ttl_attribute;
        break;
      }
      case DdbshStatement::Kind::kSetPitr: {
        auto updated = client.UpdateContinuousBackups(statement.table, true);
        if (!updated.ok()) return WithContext(updated.error(), context);
        outcome = "point-in-time recovery enabled";
        break;
      }
    }
    outcomes.push_back({statement.line, context, outcome});
  }
  return outcomes;
}

}  // namespace mem0::provision
