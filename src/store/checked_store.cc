#include "store/checked_store.h"

#include <cmath>
#include <exception>
#include <string>
#include <utility>

#include "core/guard.h"
#include "core/uuid.h"
#include "dynamodb/table_layout.h"
#include "store/conversation_common.h"
#include "store/graph_common.h"

namespace mem0::store {
namespace {

// Session scopes and memory ids share DynamoDB partition keys with a prefix.
constexpr size_t kMaxScopeOrMemoryIdBytes = 1000;
constexpr int kMaxListLimit = 1000;
constexpr int kMaxTraverseDepth = 10;

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Status CheckUser(const std::string& user_id) {
  MEM0_RETURN_IF_ERROR(ValidateUserId(user_id));
  if (user_id.starts_with(dynamodb::layout::kReservedPrefix)) {
    return Invalid("user_id must not start with \"mem0#\" (reserved for internal partitions)");
  }
  return {};
}

Status CheckConversation(const std::string& user_id, const std::string& conversation_id) {
  MEM0_RETURN_IF_ERROR(CheckUser(user_id));
  return ValidateConversationId(conversation_id);
}

class CheckedConversationStore final : public ConversationStore {
 public:
  explicit CheckedConversationStore(std::unique_ptr<ConversationStore> engine)
      : engine_(std::move(engine)) {}

  Result<std::string> StoreConversation(const std::string& user_id,
                                        const std::string& messages_json,
                                        const std::string& metadata_json) override {
    MEM0_RETURN_IF_ERROR(CheckUser(user_id));
    return Guard("StoreConversation",
                 [&] { return engine_->StoreConversation(user_id, messages_json, metadata_json); });
  }
  Result<std::optional<Conversation>> GetConversation(const std::string& user_id,
                                                      const std::string& conversation_id) override {
    MEM0_RETURN_IF_ERROR(CheckConversation(user_id, conversation_id));
    return Guard("GetConversation",
                 [&] { return engine_->GetConversation(user_id, conversation_id); });
  }
  Result<ConversationPage> ListConversations(const std::string& user_id, int limit,
                                             const std::string& page_token) override {
    MEM0_RETURN_IF_ERROR(CheckUser(user_id));
    if (limit <= 0 || limit > kMaxListLimit) {
      return Invalid("limit must be between 1 and " + std::to_string(kMaxListLimit));
    }
    return Guard("ListConversations",
                 [&] { return engine_->ListConversations(user_id, limit, page_token); });
  }
  Result<void> UpdateConversation(const std::string& user_id, const std::string& conversation_id,
                                  const std::string& messages_json,
                                  const std::optional<std::string>& metadata_json) override {
    MEM0_RETURN_IF_ERROR(CheckConversation(user_id, conversation_id));
    return Guard("UpdateConversation", [&] {
      return engine_->UpdateConversation(user_id, conversation_id, messages_json, metadata_json);
    });
  }
  Result<void> AppendMessages(const std::string& user_id, const std::string& conversation_id,
                              const std::string& messages_json) override {
    MEM0_RETURN_IF_ERROR(CheckConversation(user_id, conversation_id));
    return Guard("AppendMessages",
                 [&] { return engine_->AppendMessages(user_id, conversation_id, messages_json); });
  }
  Result<void> DeleteConversation(const std::string& user_id,
                                  const std::string& conversation_id) override {
    MEM0_RETURN_IF_ERROR(CheckConversation(user_id, conversation_id));
    return Guard("DeleteConversation",
                 [&] { return engine_->DeleteConversation(user_id, conversation_id); });
  }
  Result<int64_t> DeleteAllForUser(const std::string& user_id) override {
    MEM0_RETURN_IF_ERROR(CheckUser(user_id));
    return Guard("DeleteAllForUser", [&] { return engine_->DeleteAllForUser(user_id); });
  }
  Result<OrphanSweep> SweepOrphanedParts(const std::string& user_id, bool repair,
                                         std::chrono::seconds min_age) override {
    MEM0_RETURN_IF_ERROR(CheckUser(user_id));
    if (min_age.count() < 0) {
      return MakeError(ErrorCode::kInvalidArgument, "min_age must not be negative");
    }
    return Guard("SweepOrphanedParts",
                 [&] { return engine_->SweepOrphanedParts(user_id, repair, min_age); });
  }
  Result<std::string> AddHistory(const HistoryRecord& record) override {
    MEM0_ASSIGN_OR_RETURN(HistoryRecord checked, Checked(record));
    return Guard("AddHistory", [&] { return engine_->AddHistory(checked); });
  }
  Result<void> BatchAddHistory(const std::vector<HistoryRecord>& records) override {
    // All records are checked before any is written.
    std::vector<HistoryRecord> checked;
    checked.reserve(records.size());
    for (const auto& record : records) {
      MEM0_ASSIGN_OR_RETURN(HistoryRecord one, Checked(record));
      checked.push_back(std::move(one));
    }
    return Guard("BatchAddHistory", [&] { return engine_->BatchAddHistory(checked); });
  }
  Result<std::vector<HistoryRecord>> GetHistory(const std::string& memory_id) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("memory_id", memory_id, kMaxScopeOrMemoryIdBytes));
    return Guard("GetHistory", [&] { return engine_->GetHistory(memory_id); });
  }
  Result<void> SaveMessages(const std::string& session_scope,
                            const std::string& messages_json) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("session_scope", session_scope, kMaxScopeOrMemoryIdBytes));
    return Guard("SaveMessages",
                 [&] { return engine_->SaveMessages(session_scope, messages_json); });
  }
  Result<std::string> GetLastMessages(const std::string& session_scope, int limit) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("session_scope", session_scope, kMaxScopeOrMemoryIdBytes));
    if (limit <= 0) return Invalid("limit must be positive");
    return Guard("GetLastMessages", [&] { return engine_->GetLastMessages(session_scope, limit); });
  }
  Result<void> Reset() override {
    return Guard("Reset", [&] { return engine_->Reset(); });
  }
  Result<ConversationStoreKeys> ListKeys() override {
    return Guard("ListKeys", [&] { return engine_->ListKeys(); });
  }
  Result<void> PutConversation(const Conversation& conversation) override {
    MEM0_RETURN_IF_ERROR(CheckConversation(conversation.user_id, conversation.conversation_id));
    MEM0_RETURN_IF_ERROR(ParseMessages(conversation.messages_json));
    MEM0_RETURN_IF_ERROR(ParseMetadata(conversation.metadata_json));
    if (conversation.timestamp < 0 || (conversation.updated_at && *conversation.updated_at < 0) ||
        (conversation.expiration_time && *conversation.expiration_time < 0)) {
      return Invalid("conversation timestamps must not be negative");
    }
    return Guard("PutConversation", [&] { return engine_->PutConversation(conversation); });
  }
  Result<void> ReplaceMessages(const std::string& session_scope,
                               const std::string& messages_json) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("session_scope", session_scope, kMaxScopeOrMemoryIdBytes));
    MEM0_ASSIGN_OR_RETURN(nlohmann::json messages, ParseMessages(messages_json));
    if (messages.size() > static_cast<size_t>(kRecentMessagesKept)) {
      return Invalid("at most " + std::to_string(kRecentMessagesKept) + " recent messages");
    }
    MEM0_RETURN_IF_ERROR(CheckRecentMessageSizes(messages));
    return Guard("ReplaceMessages",
                 [&] { return engine_->ReplaceMessages(session_scope, messages_json); });
  }

 private:
  // The record with its id filled in (a new UUID when empty), after checks.
  static Result<HistoryRecord> Checked(const HistoryRecord& record) {
    HistoryRecord copy = record;
    if (copy.id.empty()) copy.id = NewUuid();
    MEM0_RETURN_IF_ERROR(ValidateHistoryRecord(copy));
    return copy;
  }

  std::unique_ptr<ConversationStore> engine_;
};

bool ValidTime(double seconds) { return std::isfinite(seconds) && seconds >= 0; }

class CheckedGraphStore final : public GraphStore {
 public:
  explicit CheckedGraphStore(std::unique_ptr<GraphStore> engine) : engine_(std::move(engine)) {}

  Result<std::string> CreateMemoryNode(const std::string& content, const std::string& metadata_json,
                                       const std::string& node_id,
                                       const std::string& scope) override {
    MEM0_ASSIGN_OR_RETURN(NewNode node, ValidateNewNode(content, metadata_json, node_id, scope));
    return Guard("CreateMemoryNode", [&] {
      return engine_->CreateMemoryNode(content, metadata_json, node.node_id, scope);
    });
  }
  Result<std::optional<MemoryNode>> GetNode(const std::string& node_id) override {
    MEM0_RETURN_IF_ERROR(ValidateNodeId(node_id));
    return Guard("GetNode", [&] { return engine_->GetNode(node_id); });
  }
  Result<void> UpdateNode(const std::string& node_id, const std::optional<std::string>& content,
                          const std::optional<std::string>& metadata_json) override {
    MEM0_RETURN_IF_ERROR(ValidateNodeId(node_id));
    if (content) MEM0_RETURN_IF_ERROR(ValidateContent(*content));
    if (metadata_json) MEM0_RETURN_IF_ERROR(ParseJsonObject("metadata", *metadata_json));
    return Guard("UpdateNode",
                 [&] { return engine_->UpdateNode(node_id, content, metadata_json); });
  }
  Result<bool> DeleteNode(const std::string& node_id) override {
    MEM0_RETURN_IF_ERROR(ValidateNodeId(node_id));
    return Guard("DeleteNode", [&] { return engine_->DeleteNode(node_id); });
  }
  Result<std::string> CreateRelationship(const std::string& source_id, const std::string& target_id,
                                         const std::string& relationship_type,
                                         const std::string& properties_json,
                                         const EdgeOptions& options) override {
    MEM0_RETURN_IF_ERROR(ValidateNodeId(source_id));
    MEM0_RETURN_IF_ERROR(ValidateNodeId(target_id));
    MEM0_RETURN_IF_ERROR(ValidateRelationshipType(relationship_type));
    MEM0_RETURN_IF_ERROR(ParseJsonObject("properties", properties_json));
    return Guard("CreateRelationship", [&] {
      return engine_->CreateRelationship(source_id, target_id, relationship_type, properties_json,
                                         options);
    });
  }
  Result<void> DeleteRelationship(const std::string& edge_id) override {
    MEM0_RETURN_IF_ERROR(ValidateEdgeId(edge_id));
    return Guard("DeleteRelationship", [&] { return engine_->DeleteRelationship(edge_id); });
  }
  Result<std::vector<RelatedMemory>> GetRelatedMemories(const std::string& node_id,
                                                        const RelatedQuery& query) override {
    MEM0_RETURN_IF_ERROR(ValidateRelatedQuery(node_id, query));
    return Guard("GetRelatedMemories", [&] { return engine_->GetRelatedMemories(node_id, query); });
  }
  Result<std::vector<EdgeWithNodes>> GetMemoriesByRelationshipType(
      const std::string& relationship_type, const TypeQuery& query) override {
    MEM0_RETURN_IF_ERROR(ValidateTypeQuery(relationship_type, query));
    return Guard("GetMemoriesByRelationshipType",
                 [&] { return engine_->GetMemoriesByRelationshipType(relationship_type, query); });
  }
  Result<Subgraph> Traverse(const std::string& start_node_id, const TraverseQuery& query) override {
    MEM0_RETURN_IF_ERROR(ValidateNodeId(start_node_id));
    MEM0_RETURN_IF_ERROR(ValidateScope(query.scope));
    if (query.depth < 0 || query.depth > kMaxTraverseDepth) {
      return Invalid("depth must be between 0 and " + std::to_string(kMaxTraverseDepth));
    }
    return Guard("Traverse", [&] { return engine_->Traverse(start_node_id, query); });
  }
  Result<Subgraph> ExportAll(const std::string& scope) override {
    MEM0_RETURN_IF_ERROR(ValidateScope(scope));
    return Guard("ExportAll", [&] { return engine_->ExportAll(scope); });
  }
  Status ForEachNode(const std::function<Status(const MemoryNode&)>& visit) override {
    return Guard("ForEachNode", [&] { return engine_->ForEachNode(visit); });
  }
  Status ForEachEdge(const std::function<Status(const Edge&)>& visit) override {
    return Guard("ForEachEdge", [&] { return engine_->ForEachEdge(visit); });
  }
  Result<void> PutNode(const MemoryNode& node) override {
    if (node.node_id.empty()) return Invalid("node_id must not be empty");
    MEM0_RETURN_IF_ERROR(
        ValidateNewNode(node.content, node.metadata_json, node.node_id, node.scope));
    if (!ValidTime(node.created_at) || (node.updated_at && !ValidTime(*node.updated_at))) {
      return Invalid("node times must be finite and not negative");
    }
    return Guard("PutNode", [&] { return engine_->PutNode(node); });
  }
  Result<void> PutEdge(const Edge& edge) override {
    MEM0_RETURN_IF_ERROR(ValidateEdgeId(edge.edge_id));
    MEM0_RETURN_IF_ERROR(ValidateNodeId(edge.source_id));
    MEM0_RETURN_IF_ERROR(ValidateNodeId(edge.target_id));
    MEM0_RETURN_IF_ERROR(ValidateRelationshipType(edge.relationship_type));
    MEM0_RETURN_IF_ERROR(ParseJsonObject("properties", edge.properties_json));
    if (!ValidTime(edge.created_at)) return Invalid("created_at must be finite and not negative");
    return Guard("PutEdge", [&] { return engine_->PutEdge(edge); });
  }
  Result<std::vector<MemoryNode>> ListScope(const std::string& scope, int limit,
                                            const std::string& after_node_id) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("scope", scope, kMaxScopeOrMemoryIdBytes));
    if (limit <= 0) return Invalid("limit must be positive");
    if (!after_node_id.empty()) {
      MEM0_RETURN_IF_ERROR(ValidateKey("after_node_id", after_node_id, kMaxPartitionKeyBytes));
    }
    return Guard("ListScope", [&] { return engine_->ListScope(scope, limit, after_node_id); });
  }
  Result<int64_t> GetScopeVersion(const std::string& scope) override {
    MEM0_RETURN_IF_ERROR(ValidateKey("scope", scope, kMaxScopeOrMemoryIdBytes));
    return Guard("GetScopeVersion", [&] { return engine_->GetScopeVersion(scope); });
  }
  Result<GraphCheckReport> Check(bool repair) override {
    return Guard("Check", [&] { return engine_->Check(repair); });
  }

 private:
  std::unique_ptr<GraphStore> engine_;
};

}  // namespace

std::unique_ptr<ConversationStore> WithChecks(std::unique_ptr<ConversationStore> engine) {
  return std::make_unique<CheckedConversationStore>(std::move(engine));
}

std::unique_ptr<GraphStore> WithChecks(std::unique_ptr<GraphStore> engine) {
  return std::make_unique<CheckedGraphStore>(std::move(engine));
}

}  // namespace mem0::store
