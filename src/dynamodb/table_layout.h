// The partition-key prefixes mem0 writes besides users' own partitions, in
// one place: the stores write them, provisioning grants access to them (IAM
// LeadingKeys), and ids starting with kReservedPrefix are refused as user or
// node ids so no caller can collide with them.
#ifndef MEM0_SRC_DYNAMODB_TABLE_LAYOUT_H_
#define MEM0_SRC_DYNAMODB_TABLE_LAYOUT_H_

namespace mem0::dynamodb::layout {

inline constexpr const char* kReservedPrefix = "mem0#";
// Conversation table.
inline constexpr const char* kPartsPrefix = "mem0#parts#";               // + user id
inline constexpr const char* kHashedPartsPrefix = "mem0#parts-sha256#";  // + hash of a long id
inline constexpr const char* kHistoryPrefix = "mem0#history#";           // + memory id
inline constexpr const char* kMessagesPrefix = "mem0#messages#";         // + session scope
// Graph table.
inline constexpr const char* kEdgeLocatorPrefix = "mem0#edge#";  // + edge id
inline constexpr const char* kScopeNodePrefix = "mem0#scope#";   // + scope

}  // namespace mem0::dynamodb::layout

#endif  // MEM0_SRC_DYNAMODB_TABLE_LAYOUT_H_
