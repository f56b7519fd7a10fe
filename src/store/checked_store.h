// The front every store factory returns: it checks each call's input once,
// for both engines, so they accept and reject exactly the same calls, and it
// turns any exception that escapes an engine or a dependency into a
// kInternal error, so nothing throws out of the library.
#ifndef MEM0_SRC_STORE_CHECKED_STORE_H_
#define MEM0_SRC_STORE_CHECKED_STORE_H_

#include <memory>

#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::store {

std::unique_ptr<ConversationStore> WithChecks(std::unique_ptr<ConversationStore> engine);
std::unique_ptr<GraphStore> WithChecks(std::unique_ptr<GraphStore> engine);

}  // namespace mem0::store

#endif  // MEM0_SRC_STORE_CHECKED_STORE_H_
