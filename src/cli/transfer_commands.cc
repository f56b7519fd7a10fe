// `mem0 export`, `mem0 import` and `mem0 migrate`: the stores' content as
// JSON lines (format in mem0/memory/transfer.h), and a move from one pair of
// stores to another with a verification of counts and checksums per kind.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "cli/progress.h"
#include "mem0/memory/transfer.h"

namespace mem0::cli {
namespace {

using Json = nlohmann::json;

struct Stores {
  std::unique_ptr<store::ConversationStore> conversations;
  std::unique_ptr<store::GraphStore> graph;
};

Result<Stores> OpenConfiguredStores(const GlobalOptions& options) {
  Stores stores;
  MEM0_ASSIGN_OR_RETURN(stores.conversations, OpenConversationStore(options));
  MEM0_ASSIGN_OR_RETURN(stores.graph, OpenGraphStore(options));
  return stores;
}

// "sqlite:PATH" or "dynamodb" (tables, endpoint and region from the global
// options or --config).
Result<Stores> OpenStoresAt(const std::string& spec, const std::string& flag,
                            const GlobalOptions& options) {
  MEM0_ASSIGN_OR_RETURN(auto config, ResolveConfig(options));
  Stores stores;
  if (spec.starts_with("sqlite:") && spec.size() > 7) {
    config.sqlite_conversation.path = config.sqlite_graph.path = spec.substr(7);
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeSqliteConversationStore(config.sqlite_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeSqliteGraphStore(config.sqlite_graph));
    return stores;
  }
  if (spec == "dynamodb") {
    MEM0_ASSIGN_OR_RETURN(stores.conversations,
                          store::MakeDynamoDBConversationStore(config.dynamodb_conversation));
    MEM0_ASSIGN_OR_RETURN(stores.graph, store::MakeDynamoDBGraphStore(config.dynamodb_graph));
    return stores;
  }
  return MakeError(ErrorCode::kInvalidArgument, flag + " must be sqlite:PATH or dynamodb");
}

// Reads the next line (without its newline) into `line`; false at the end.
// Stops reading a line once it passes `max_bytes` (sets `too_long`), so an
// endless line cannot exhaust memory.
bool ReadBoundedLine(std::istream& in, std::size_t max_bytes, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  bool any = false;
  char buffer[65536];
  while (true) {
    in.get(buffer, sizeof(buffer), '\n');
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0) {
      any = true;
      if (line.size() + got > max_bytes) {
        too_long = true;
        return true;
      }
      line.append(buffer, got);
    }
    if (in.eof()) return any;
    if (in.fail()) in.clear();  // nothing before the newline
    const int next = in.peek();
    if (next == '\n') {
      in.get();
      return true;
    }
    if (next == std::char_traits<char>::eof()) return any;
  }
}

Json TallyJson(const memory::TransferTally& tally) { return Json::parse(tally.ToJson()); }

// "1 conversation, 4 history" (kinds with records), or "nothing".
std::string CountsText(const memory::TransferTally& tally) {
  std::string text;
  for (const auto& [kind, entry] : tally.kinds) {
    if (entry.count == 0) continue;
    text += (text.empty() ? "" : ", ") + std::to_string(entry.count) + " " + kind;
  }
  return text.empty() ? "nothing" : text;
}

void AddProgressOption(CLI::App* command, std::string& style) {
  command
      ->add_option("--progress", style,
                   "auto (a bar on a terminal, a line every 5 s otherwise), bar, lines or none; "
                   "on stderr")
      ->check(CLI::IsMember({"auto", "bar", "lines", "none"}));
}

// The size of the input (`file`, or stdin when "" or "-") when it is a
// regular file, as with `import < backup.jsonl`; 0 when not known.
int64_t InputSize(const std::string& file) {
  struct stat info {};
  const int status =
      file.empty() || file == "-" ? fstat(STDIN_FILENO, &info) : stat(file.c_str(), &info);
  return status == 0 && S_ISREG(info.st_mode) ? static_cast<int64_t>(info.st_size) : 0;
}

}  // namespace

void AddTransferCommands(CLI::App& app, Runner& runner) {
  auto& options = runner.options();

  {
    struct Args {
      std::vector<std::string> users;
      std::string file;
      std::string progress = "auto";
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "export",
        "everything in the configured stores (conversations, history, recent messages, graph, "
        "memories) as JSON lines on stdout");
    command->add_option("--user", args->users, "only this user (repeatable)");
    command->add_option("--file", args->file, "write here instead of stdout");
    AddProgressOption(command, args->progress);
    command->callback([args, &options, &runner] {
      Progress progress("mem0 export", "records", *ParseProgressStyle(args->progress), std::cerr);
      int64_t lines = 0;
      auto exported = [&]() -> Result<memory::TransferTally> {
        MEM0_ASSIGN_OR_RETURN(Stores stores, OpenConfiguredStores(options));
        std::ofstream file;
        if (!args->file.empty()) {
          file.open(args->file, std::ios::binary | std::ios::trunc);
          if (!file) {
            return MakeError(ErrorCode::kInvalidArgument, "--file: cannot write " + args->file);
          }
        }
        std::ostream& out = args->file.empty() ? std::cout : file;
        memory::ExportOptions export_options;
        export_options.user_ids = args->users;
        MEM0_ASSIGN_OR_RETURN(
            auto tally, memory::ExportStores(*stores.conversations, *stores.graph, export_options,
                                             [&](const std::string& line) -> Status {
                                               out << line << '\n';
                                               if (!out) {
                                                 return MakeError(ErrorCode::kStorageError,
                                                                  "cannot write the export");
                                               }
                                               // Not counting the header.
                                               if (++lines > 1) progress.Update(lines - 1);
                                               return {};
                                             }));
        out.flush();
        if (!out) return MakeError(ErrorCode::kStorageError, "cannot write the export");
        int64_t records = 0;
        for (const auto& [kind, entry] : tally.kinds) records += entry.count;
        progress.Update(records);
        return tally;
      }();
      progress.Finish();
      if (!exported.ok()) {
        std::cerr << "error: " << exported.error().ToString() << "\n";
        runner.Fail();
      }
    });
  }

  {
    struct Args {
      std::string file;
      std::size_t max_line_bytes = memory::kMaxExportLineBytes;
      int parallelism = 8;
      std::string progress = "auto";
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "import",
        "write an export (stdin or --file) into the configured stores; safe to run again");
    command->add_option("--file", args->file, "read this file instead of stdin");
    command->add_option("--max-line-bytes", args->max_line_bytes, "refuse longer lines")
        ->check(CLI::Range(std::size_t{1}, memory::kMaxExportLineBytes));
    command->add_option("--parallelism", args->parallelism, "writes in flight")
        ->check(CLI::Range(1, 64));
    AddProgressOption(command, args->progress);
    runner.Attach(command, [args, &options]() -> CommandResult {
      MEM0_ASSIGN_OR_RETURN(Stores stores, OpenConfiguredStores(options));
      Progress progress("mem0 import", "bytes", *ParseProgressStyle(args->progress), std::cerr,
                        "lines");
      progress.SetTotal(InputSize(args->file));
      int64_t bytes = 0;
      std::ifstream file;
      if (!args->file.empty() && args->file != "-") {
        file.open(args->file, std::ios::binary);
        if (!file)
          return MakeError(ErrorCode::kInvalidArgument, "--file: cannot read " + args->file);
      }
      std::istream& in = file.is_open() ? file : std::cin;
      memory::ImportOptions import_options;
      import_options.max_line_bytes = args->max_line_bytes;
      import_options.parallelism = args->parallelism;
      memory::Importer importer(*stores.conversations, *stores.graph, import_options);
      auto failed = [&](Error error) -> CommandResult {
        progress.Finish();
        error.message += " (written before it: " + CountsText(importer.written()) + ")";
        return error;
      };
      std::string line;
      bool too_long = false;
      while (ReadBoundedLine(in, args->max_line_bytes, line, too_long)) {
        // A line past the bound is handed over at one byte more than the
        // bound, so the importer reports it with its line number.
        if (too_long) line.resize(args->max_line_bytes + 1, ' ');
        auto added = importer.AddLine(line);
        if (!added.ok()) return failed(added.error());
        bytes += static_cast<int64_t>(line.size()) + 1;
        progress.Update(bytes, importer.lines());
      }
      if (in.bad()) return failed(MakeError(ErrorCode::kStorageError, "cannot read the input"));
      auto finished = importer.Finish();
      if (!finished.ok()) return failed(finished.error());
      progress.Finish();
      return Json{{"lines", importer.lines()}, {"imported", TallyJson(importer.written())}};
    });
  }

  {
    struct Args {
      std::string from, to;
      int parallelism = 8;
      std::string progress = "auto";
    };
    auto args = std::make_shared<Args>();
    auto* command = app.add_subcommand(
        "migrate",
        "copy everything from one pair of stores to another (sqlite:PATH or dynamodb, with the "
        "global table/endpoint/region options), then compare counts and checksums per kind");
    command->add_option("--from", args->from, "sqlite:PATH or dynamodb")->required();
    command->add_option("--to", args->to, "sqlite:PATH or dynamodb")->required();
    command->add_option("--parallelism", args->parallelism, "writes in flight")
        ->check(CLI::Range(1, 64));
    AddProgressOption(command, args->progress);
    runner.Attach(command, [args, &options, &runner]() -> CommandResult {
      if (args->from == args->to) {
        return MakeError(ErrorCode::kInvalidArgument, "--from and --to name the same stores");
      }
      MEM0_ASSIGN_OR_RETURN(Stores source, OpenStoresAt(args->from, "--from", options));
      MEM0_ASSIGN_OR_RETURN(Stores target, OpenStoresAt(args->to, "--to", options));
      const ProgressStyle style = *ParseProgressStyle(args->progress);
      Progress progress("mem0 migrate", "records", style, std::cerr);
      memory::MigrateOptions migrate_options;
      migrate_options.parallelism = args->parallelism;
      if (style != ProgressStyle::kNone) {
        migrate_options.progress = [&progress](int64_t copied, int64_t total) {
          progress.SetTotal(total);
          progress.Update(copied);
        };
      }
      auto migrated = memory::Migrate(*source.conversations, *source.graph, *target.conversations,
                                      *target.graph, migrate_options);
      progress.Finish();
      MEM0_RETURN_IF_ERROR(migrated);
      const memory::MigrateReport& report = *migrated;
      const bool match = report.match();
      if (!match) runner.Fail();  // the report still prints, for the differences
      Json out = {{"from", args->from},
                  {"to", args->to},
                  {"source", TallyJson(report.source)},
                  {"target", TallyJson(report.target)},
                  {"match", match},
                  {"records", report.records},
                  {"copy_seconds", report.copy_seconds},
                  {"records_per_second",
                   report.copy_seconds > 0 ? report.records / report.copy_seconds : 0.0}};
      if (!match) {
        Json differs = Json::array();
        for (const auto& [kind, tally] : report.source.kinds) {
          auto other = report.target.kinds.find(kind);
          if (other == report.target.kinds.end() || other->second != tally) {
            differs.push_back(kind);
          }
        }
        out["differs"] = differs;
      }
      return out;
    });
  }
}

}  // namespace mem0::cli
