// Export, import and migration of everything mem0 keeps: conversations,
// history records, recent messages and the graph (memories are graph nodes,
// with their anchors, entities and edges), as JSON lines.
//
// The format ("mem0-export", version 1), one JSON object per line:
//   {"format":"mem0-export","version":1,"users":[...]}          first line
//   {"kind":"conversation","user_id",...,"messages":[...],...}
//   {"kind":"history","id","memory_id","event","created_at",...}
//   {"kind":"recent_messages","scope","messages":[...]}
//   {"kind":"node","node_id","content","metadata":{},"scope","created_at",...}
//   {"kind":"edge","edge_id","source_id","target_id","relationship_type",
//    "properties":{},"created_at","indexed"}
//   {"kind":"end","counts":{"conversation":N,...}}               last line
// Keys are sorted and records come in a canonical order (kinds as above;
// users, memory ids, scopes, nodes and edges by id), so exporting the same
// content twice gives the same bytes. The end record tells a complete file
// from a truncated one.
//
// Imports write every record by its id with its own timestamps (upserts),
// so importing a file twice, or again after an interruption, converges on
// the same state.
#ifndef MEM0_MEMORY_TRANSFER_H_
#define MEM0_MEMORY_TRANSFER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mem0/core/result.h"
#include "mem0/store/conversation_store.h"
#include "mem0/store/graph_store.h"

namespace mem0::memory {

inline constexpr const char* kExportFormat = "mem0-export";
inline constexpr int kExportFormatVersion = 1;
// The largest conversation (64 MiB of messages and metadata) with room for
// its record around it.
inline constexpr std::size_t kMaxExportLineBytes = (64u << 20) + (1u << 20);

// Per kind of record: how many, and an order-independent checksum (the sum
// of the first 64 bits of each record line's SHA-256).
struct KindTally {
  int64_t count = 0;
  uint64_t checksum = 0;
  bool operator==(const KindTally&) const = default;
};
struct TransferTally {
  std::map<std::string, KindTally> kinds;  // every kind, also when 0
  bool operator==(const TransferTally&) const = default;
  // {"conversation": {"count": N, "checksum": "<16 hex>"}, ...}
  std::string ToJson() const;
};

struct ExportOptions {
  // Only these users: their conversations, the graph nodes of scope
  // "user:<id>" with the edges touching them (and the nodes at their other
  // ends, e.g. agent anchors), those memories' history records and the
  // recent messages of sessions of the user. Empty: everything. (History of
  // memories already deleted is exported only without a user filter.)
  std::vector<std::string> user_ids;
};

// Writes the records to `sink`, one line each (no newline), and returns
// their tally (the end record's too). A null sink only tallies.
Result<TransferTally> ExportStores(store::ConversationStore& conversations,
                                   store::GraphStore& graph, const ExportOptions& options,
                                   const std::function<Status(const std::string& line)>& sink);

struct ImportOptions {
  std::size_t max_line_bytes = kMaxExportLineBytes;
  int parallelism = 8;     // writes in flight at once
  int batch_records = 64;  // records of one kind written together
};

// Reads an export line by line. Every line is checked as hostile input
// (length, JSON nesting, the kind and every field's type) before anything of
// it is written; an error names the line number and the field, and every
// line before it has been written when it is returned.
class Importer {
 public:
  Importer(store::ConversationStore& conversations, store::GraphStore& graph,
           ImportOptions options = {});
  ~Importer();
  Importer(const Importer&) = delete;
  Importer& operator=(const Importer&) = delete;

  // The next line (without its newline).
  Status AddLine(std::string_view line);
  // Writes what is pending; an error when the input ended before the end
  // record (a truncated file: what it held is written).
  Status Finish();
  // Records written so far, per kind (header and end not included).
  const TransferTally& written() const;
  int64_t lines() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

struct MigrateOptions {
  int parallelism = 8;  // writes in flight
  // When set: the source is counted first (one more read of everything),
  // then this is called as the copy goes on with the number of records
  // written so far and that total.
  std::function<void(int64_t copied, int64_t total)> progress;
};

struct MigrateReport {
  TransferTally source;  // what was read and copied
  TransferTally target;  // the target read back afterwards
  int64_t records = 0;   // copied (all kinds)
  double copy_seconds = 0;
  bool match() const { return source == target; }
};

// Copies everything from one pair of stores to another (an export fed
// straight into an Importer, nothing held but ids), then reads the target
// back and tallies it. An error when reading or writing fails; a report
// whose match() is false when the copy differs (for instance when the target
// held other data before, or the source changed during the copy).
Result<MigrateReport> Migrate(store::ConversationStore& source_conversations,
                              store::GraphStore& source_graph,
                              store::ConversationStore& target_conversations,
                              store::GraphStore& target_graph, const MigrateOptions& options = {});

}  // namespace mem0::memory

#endif  // MEM0_MEMORY_TRANSFER_H_
