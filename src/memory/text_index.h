// Lexical search over one scope's memories: English text analysis and an
// in-memory BM25 inverted index. This is the Memory layer's default search
// when no embedding model is configured; with an embedder, the per-query
// normalised scores are the lexical half of a hybrid ranking.
//
// Analysis (documents and queries alike):
//  - UTF-8 safe: invalid bytes are separators, never a crash. ASCII and
//    Latin-1 letters are lower-cased and Latin-1 accents folded ("José" ->
//    "jose", "ß" -> "ss"); other non-ASCII code points are kept as letters,
//    general punctuation (curly quotes, dashes, ...) separates.
//  - Contractions: "don't" -> "do" "not", "can't" -> "can" "not", "I'm" ->
//    "i"; possessives drop "'s" / trailing "'" ("Caroline's" -> "caroline");
//    other inner apostrophes join ("O'Brien" -> "obrien").
//  - Hyphenated words give both parts and the joined word ("self-care" ->
//    "self" "care" "selfcare").
//  - Numbers are kept and not stemmed ("2023", "3.5", "10k", "1,200" ->
//    "1200", ordinals "7th" -> "7", number words "two".."twenty" -> digits).
//  - Dates: month names/abbreviations become the full month name ("Jan" ->
//    "january"; "May"/"may" only when capitalised mid-sentence or next to a
//    day/year or after "in"/"since"/...). A month with a year adds
//    "YYYY-MM", with day and year also "YYYY-MM-DD"; "2023-05-07" and
//    "5/7/2023" (US order) give the same tokens as "7 May 2023".
//  - E-mail addresses and URLs are kept whole as one token.
//  - English stop words are dropped; remaining words are stemmed with
//    Snowball English (libstemmer). Capitalised words (names) are kept and
//    stemmed like any other word.
//  - A few British spellings map to American ("favourite" -> "favorite").
//
// Ranking: BM25 (k1 1.2, b 0.75; idf = ln(1 + (N - df + 0.5) / (df + 0.5)))
// over the weighted query terms, times a coordination factor (see
// TextIndexOptions). Each hit carries raw BM25, the ranking score and the
// score normalised by the query's best score, for fusion with vector
// similarity.
//
// Bounds: text beyond kMaxTextBytes is ignored (cut at a UTF-8 boundary);
// tokens longer than kMaxTokenBytes are skipped; a query keeps at most
// kMaxQueryTerms distinct terms.
//
// Thread-safety: TextAnalyzer functions are safe to call from any thread
// (each thread has its own Snowball stemmer). TextIndex is internally
// synchronised with a shared_mutex: Search/size/Contains may run
// concurrently; Add/Update/Remove take the lock exclusively.
#ifndef MEM0_SRC_MEMORY_TEXT_INDEX_H_
#define MEM0_SRC_MEMORY_TEXT_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mem0/core/result.h"

namespace mem0::memory {

inline constexpr std::size_t kMaxTextBytes = 64 * 1024;  // per document or query
inline constexpr std::size_t kMaxTokenBytes = 64;
inline constexpr std::size_t kMaxQueryTerms = 64;
inline constexpr std::size_t kMaxDocIdBytes = 1024;

enum class TokenKind {
  kWord,      // subject to stop words and stemming
  kNumber,    // "2023", "3.5", "10k"; never stemmed
  kDate,      // "may", "2023-05", "2023-05-07"; never stemmed
  kVerbatim,  // e-mail address or URL, lower-cased, kept whole
};

struct Token {
  std::string text;
  TokenKind kind = TokenKind::kWord;
  bool operator==(const Token&) const = default;
};

// A query term with its weight (1 for the user's own words, less for
// expansions).
struct WeightedTerm {
  std::string term;
  double weight = 1.0;
};

struct AnalyzerOptions {
  bool stem = true;
  bool stop_words = true;
  // Query side only: add related terms ("job" -> "work", "occupation", ...)
  // at expansion_weight.
  bool expand_query = true;
  double expansion_weight = 0.5;
};

class TextAnalyzer {
 public:
  // Normalised tokens before stop words and stemming (lower-cased,
  // contractions, hyphens, numbers and dates handled).
  static std::vector<Token> Tokenize(std::string_view text);
  // Index terms of a document: Tokenize, drop stop words, stem words.
  static std::vector<std::string> Analyze(std::string_view text,
                                          const AnalyzerOptions& options = {});
  // Distinct query terms with weights, in first-seen order (expansions after
  // the user's terms); also drops query filler ("remember", "tell", ...).
  static std::vector<WeightedTerm> AnalyzeQuery(std::string_view query,
                                                const AnalyzerOptions& options = {});
  static bool IsStopWord(std::string_view lower_word);
  // Snowball English stem of a lower-case word.
  static std::string Stem(std::string_view lower_word);
};

struct TextIndexOptions {
  double k1 = 1.2;
  double b = 0.75;
  // Coordination: the BM25 sum is multiplied by
  //   ((1 + weight of the query's own terms the document has) /
  //    (1 + weight of all the query's own terms)) ^ coordination,
  // favouring documents that match more of the question (e.g. the name and
  // the topic) over ones matching one term often; 0 turns it off.
  double coordination = 1.0;
  AnalyzerOptions analyzer;
};

struct TextHit {
  std::string doc_id;
  double score = 0;       // ranking score: bm25 x coordination factor
  double bm25 = 0;        // raw BM25 (weighted query terms, k1, b)
  double normalized = 0;  // score / best score of this query, in (0, 1]
};

// Inverted index over one scope's documents with BM25 ranking.
class TextIndex {
 public:
  explicit TextIndex(TextIndexOptions options = {});
  ~TextIndex();
  TextIndex(const TextIndex&) = delete;
  TextIndex& operator=(const TextIndex&) = delete;

  // kInvalidArgument for an empty or over-long id, kAlreadyExists when the
  // id is indexed (use Update or Put).
  Status Add(std::string_view doc_id, std::string_view text);
  // Replaces the text; kNotFound when the id is not indexed.
  Status Update(std::string_view doc_id, std::string_view text);
  // Add or replace.
  Status Put(std::string_view doc_id, std::string_view text);
  // False when the id was not indexed.
  bool Remove(std::string_view doc_id);
  bool Contains(std::string_view doc_id) const;
  std::size_t size() const;

  // Best `limit` documents matching at least one query term, by BM25
  // descending, ties by doc_id ascending. limit 0 returns every match (the
  // hybrid seam: lexical scores for all candidates).
  std::vector<TextHit> Search(std::string_view query, std::size_t limit) const;

 private:
  struct Posting {
    std::uint32_t doc;
    std::uint32_t tf;
  };
  struct Doc {
    std::string id;
    std::uint32_t length = 0;          // terms after analysis
    std::vector<std::uint32_t> terms;  // distinct term ids
    bool live = false;
  };

  void AddLocked(std::string_view doc_id, std::string_view text);
  void RemoveLocked(std::uint32_t slot);

  TextIndexOptions options_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::uint32_t> term_ids_;
  std::vector<std::vector<Posting>> postings_;  // by term id
  std::vector<Doc> docs_;                       // by slot
  std::vector<std::uint32_t> free_slots_;
  std::unordered_map<std::string, std::uint32_t> slot_by_id_;
  std::uint64_t total_length_ = 0;
};

}  // namespace mem0::memory

#endif  // MEM0_SRC_MEMORY_TEXT_INDEX_H_
