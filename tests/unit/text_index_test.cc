#include "memory/text_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace mem0::memory {
namespace {

std::vector<std::string> Texts(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) out.push_back(t.text);
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> Ids(const std::vector<TextHit>& hits) {
  std::vector<std::string> out;
  for (const TextHit& h : hits) out.push_back(h.doc_id);
  return out;
}

// ---- Tokenizer ----------------------------------------------------------

TEST(Tokenizer, LowerCasesAndSplitsOnPunctuation) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("Hello, WORLD! (test)...ok;fine")),
            (std::vector<std::string>{"hello", "world", "test", "ok", "fine"}));
}

TEST(Tokenizer, FoldsLatin1AndKeepsOtherScripts) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("José's CAFÉ Straße Ærø")),
            (std::vector<std::string>{"jose", "cafe", "strasse", "aero"}));
  // Non-Latin letters stay as UTF-8 words; curly quotes and dashes separate.
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("\xe2\x80\x9cМосква\xe2\x80\x9d \xe2\x80\x94 東京")),
            (std::vector<std::string>{"Москва", "東京"}));
}

TEST(Tokenizer, Contractions) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("don't")), (std::vector<std::string>{"do", "not"}));
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("can't won't")),
            (std::vector<std::string>{"can", "not", "will", "not"}));
  // Curly apostrophe behaves like the ASCII one.
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("I\xe2\x80\x99m she'll they've")),
            (std::vector<std::string>{"i", "she", "they"}));
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("O'Brien rock'n'roll")),
            (std::vector<std::string>{"obrien", "rocknroll"}));
  // Negations are stop words: they do not make a document match.
  EXPECT_EQ(TextAnalyzer::Analyze("doesn't"), std::vector<std::string>{});
}

TEST(Tokenizer, Possessives) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("Caroline's dog, the parents' house")),
            (std::vector<std::string>{"caroline", "dog", "the", "parents", "house"}));
  EXPECT_EQ(TextAnalyzer::Analyze("Caroline's"), TextAnalyzer::Analyze("Caroline"));
  EXPECT_EQ(TextAnalyzer::Analyze("User\xe2\x80\x99s"), TextAnalyzer::Analyze("user"));
}

TEST(Tokenizer, HyphenatedWordsGivePartsAndJoined) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("self-care co-worker")),
            (std::vector<std::string>{"self", "care", "selfcare", "co", "worker", "coworker"}));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("my co-workers"), TextAnalyzer::Stem("coworkers")));
  // Mixed parts: no joined form.
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("10-year-old")),
            (std::vector<std::string>{"10", "year", "old"}));
}

TEST(Tokenizer, Numbers) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("2023 3.5 10k $1,200 7th 21st 50% 5:30")),
            (std::vector<std::string>{"2023", "3.5", "10k", "1200", "7", "21", "50", "5:30"}));
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("three kids, twenty years")),
            (std::vector<std::string>{"3", "kids", "20", "years"}));
  // A sentence-final period is not a decimal point; lists are not thousands.
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("born in 1990. Then 1,2,3")),
            (std::vector<std::string>{"born", "in", "1990", "then", "1", "2", "3"}));
  for (const Token& t : TextAnalyzer::Tokenize("3.5 10k")) EXPECT_EQ(t.kind, TokenKind::kNumber);
  // Numbers are not stemmed.
  EXPECT_EQ(TextAnalyzer::Analyze("1990s"), std::vector<std::string>{"1990s"});
}

TEST(Tokenizer, DatesInEveryFormatShareTokens) {
  const std::vector<std::string> expected = {"2023", "may", "7", "2023-05", "2023-05-07"};
  for (const char* text : {"7 May 2023", "May 7, 2023", "May 7th 2023", "2023-05-07", "5/7/2023",
                           "the 7th of May 2023"}) {
    std::vector<std::string> terms = TextAnalyzer::Analyze(text);
    for (const std::string& e : expected) {
      EXPECT_TRUE(Has(terms, e)) << text << " lacks " << e;
    }
  }
  // "when in May 2023" matches by month and year-month.
  std::vector<WeightedTerm> q = TextAnalyzer::AnalyzeQuery("what happened in May 2023?");
  std::vector<std::string> qt;
  for (const auto& t : q) qt.push_back(t.term);
  EXPECT_TRUE(Has(qt, "may"));
  EXPECT_TRUE(Has(qt, "2023-05"));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("in Sept 2022"), "september"));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("in Sept 2022"), "2022-09"));
}

TEST(Tokenizer, ModalMayIsNotAMonth) {
  EXPECT_FALSE(Has(TextAnalyzer::Analyze("May I ask? She may come."), "may"));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("She moved in May."), "may"));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("a trip in may"), "may"));
  // Abbreviations are months only next to a day or year.
  EXPECT_FALSE(Has(TextAnalyzer::Analyze("Jan said hello"), "january"));
  EXPECT_TRUE(Has(TextAnalyzer::Analyze("Jan 5 2024"), "2024-01-05"));
}

TEST(Tokenizer, EmailsAndUrlsAreOneToken) {
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("Mail Sam.Rivera@Example.com, or see "
                                         "https://example.org/a-b?x=1.")),
            (std::vector<std::string>{"mail", "sam.rivera@example.com", "or", "see",
                                      "https://example.org/a-b?x=1"}));
  EXPECT_EQ(TextAnalyzer::Tokenize("www.example.com")[0].kind, TokenKind::kVerbatim);
}

TEST(Tokenizer, StopWordsAndStemming) {
  EXPECT_TRUE(TextAnalyzer::IsStopWord("the"));
  EXPECT_TRUE(TextAnalyzer::IsStopWord("does"));
  EXPECT_FALSE(TextAnalyzer::IsStopWord("likes"));
  EXPECT_EQ(TextAnalyzer::Analyze("The cats were running to the gardens"),
            (std::vector<std::string>{"cat", "run", "garden"}));
  EXPECT_EQ(TextAnalyzer::Stem("painting"), "paint");
  // Irregular forms meet their base form.
  EXPECT_EQ(TextAnalyzer::Analyze("went ran bought children"),
            TextAnalyzer::Analyze("go run buy child"));
  EXPECT_EQ(TextAnalyzer::Analyze("favourite colour"), TextAnalyzer::Analyze("favorite color"));
}

TEST(Tokenizer, NamesAreKept) {
  // Capitalised words are ordinary (stemmed) terms, never dropped.
  std::vector<std::string> terms = TextAnalyzer::Analyze("Will met Grace and Max in Boston");
  EXPECT_TRUE(Has(terms, TextAnalyzer::Stem("grace")));
  EXPECT_TRUE(Has(terms, "max"));
  EXPECT_TRUE(Has(terms, "boston"));
}

TEST(Tokenizer, QueryDropsFillerAndExpands) {
  std::vector<WeightedTerm> q = TextAnalyzer::AnalyzeQuery("Do you remember Caroline's job?");
  ASSERT_GE(q.size(), 2u);
  EXPECT_EQ(q[0].term, TextAnalyzer::Stem("caroline"));
  EXPECT_EQ(q[0].weight, 1.0);
  EXPECT_EQ(q[1].term, "job");
  bool has_work = false;
  for (const auto& t : q) {
    if (t.term == "work") {
      has_work = true;
      EXPECT_LT(t.weight, 1.0);
    }
  }
  EXPECT_TRUE(has_work);
  AnalyzerOptions no_expansion;
  no_expansion.expand_query = false;
  EXPECT_EQ(TextAnalyzer::AnalyzeQuery("Caroline's job", no_expansion).size(), 2u);
}

TEST(Tokenizer, HostileInput) {
  // Invalid UTF-8, overlong forms, surrogates, truncated sequences, NULs.
  static constexpr char kJunk[] = "ok\xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82 fine\0z\xf4\x90\x80\x80";
  const std::string junk(kJunk, sizeof(kJunk) - 1);
  std::vector<std::string> texts = Texts(TextAnalyzer::Tokenize(junk));
  EXPECT_TRUE(Has(texts, "ok"));
  EXPECT_TRUE(Has(texts, "fine"));
  // Over-long tokens are skipped.
  EXPECT_EQ(TextAnalyzer::Tokenize(std::string(65, 'a') + " short").size(), 1u);
  EXPECT_EQ(TextAnalyzer::Tokenize(std::string(64, 'a')).size(), 1u);
  // Huge text: only the first kMaxTextBytes are analysed.
  std::string huge;
  while (huge.size() < 3 * kMaxTextBytes) huge += "word ";
  huge += "needle";
  EXPECT_FALSE(Has(TextAnalyzer::Analyze(huge), "needl"));
  EXPECT_LE(TextAnalyzer::Tokenize(huge).size(), kMaxTextBytes / 5 + 1);
  // Cut inside a multi-byte character.
  std::string cut(kMaxTextBytes - 1, 'a');
  cut += "\xc3\xa9tail";
  EXPECT_NO_FATAL_FAILURE(TextAnalyzer::Tokenize(cut));
  // Punctuation only, connectors at the ends, empty.
  EXPECT_TRUE(TextAnalyzer::Tokenize("'-'--//..,,").empty());
  EXPECT_TRUE(TextAnalyzer::Tokenize("").empty());
  EXPECT_EQ(Texts(TextAnalyzer::Tokenize("-a- 'b' 1/ /2")),
            (std::vector<std::string>{"a", "b", "1", "2"}));
  // Every byte value.
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  EXPECT_NO_FATAL_FAILURE(TextAnalyzer::Analyze(bytes + bytes));
  // The query keeps at most kMaxQueryTerms distinct terms.
  std::string many;
  for (int i = 0; i < 500; ++i) many += "w" + std::to_string(i) + "x ";
  EXPECT_EQ(TextAnalyzer::AnalyzeQuery(many).size(), kMaxQueryTerms);
}

// ---- Index ---------------------------------------------------------------

TEST(TextIndex, RanksByBm25) {
  TextIndex index;
  ASSERT_TRUE(index.Add("a", "Caroline works as a nurse at St. Mary's hospital").ok());
  ASSERT_TRUE(index.Add("b", "Melanie is planning a camping trip with her kids in June").ok());
  ASSERT_TRUE(index.Add("c", "Caroline likes spicy Thai food").ok());
  ASSERT_TRUE(index.Add("d", "Melanie works at a bakery").ok());
  EXPECT_EQ(index.size(), 4u);

  std::vector<TextHit> hits = index.Search("Where does Caroline work?", 10);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].doc_id, "a");  // both terms
  EXPECT_DOUBLE_EQ(hits[0].normalized, 1.0);
  for (std::size_t i = 1; i < hits.size(); ++i) {
    EXPECT_LE(hits[i].score, hits[i - 1].score);
    EXPECT_GT(hits[i].normalized, 0.0);
    EXPECT_LE(hits[i].normalized, 1.0);
    EXPECT_DOUBLE_EQ(hits[i].normalized, hits[i].score / hits[0].score);
  }
  // Rare terms weigh more than common ones; shorter documents win on
  // equal term frequency.
  EXPECT_EQ(index.Search("camping", 10).size(), 1u);
  EXPECT_EQ(index.Search("Melanie kids", 10)[0].doc_id, "b");
  EXPECT_EQ(Ids(index.Search("works", 10)), (std::vector<std::string>{"d", "a"}));
  EXPECT_EQ(index.Search("Caroline", 1).size(), 1u);
  EXPECT_TRUE(index.Search("the of and", 10).empty());
  EXPECT_TRUE(index.Search("", 10).empty());
  EXPECT_TRUE(index.Search("zebra", 10).empty());
}

TEST(TextIndex, LimitZeroReturnsEveryMatch) {
  TextIndex index;
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(index.Add("d" + std::to_string(i), "apple number " + std::to_string(i)).ok());
  }
  EXPECT_EQ(index.Search("apple", 0).size(), 50u);
  EXPECT_EQ(index.Search("apple", 7).size(), 7u);
}

TEST(TextIndex, TiesAreOrderedByDocId) {
  TextIndex index;
  for (const char* id : {"m3", "m1", "m2", "m10"}) {
    ASSERT_TRUE(index.Add(id, "likes hiking").ok());
  }
  EXPECT_EQ(Ids(index.Search("hiking", 10)), (std::vector<std::string>{"m1", "m10", "m2", "m3"}));
  // Stable across removal and re-insertion (slots are reused).
  EXPECT_TRUE(index.Remove("m1"));
  ASSERT_TRUE(index.Add("m1", "likes hiking").ok());
  EXPECT_EQ(Ids(index.Search("hiking", 2)), (std::vector<std::string>{"m1", "m10"}));
}

TEST(TextIndex, RemoveAndUpdate) {
  TextIndex index;
  ASSERT_TRUE(index.Add("a", "dog named Max").ok());
  ASSERT_TRUE(index.Add("b", "cat named Luna").ok());
  EXPECT_EQ(index.Add("a", "again").error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(index.Update("zz", "x").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(index.Add("", "x").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(index.Add(std::string(kMaxDocIdBytes + 1, 'i'), "x").error().code,
            ErrorCode::kInvalidArgument);

  ASSERT_TRUE(index.Update("a", "parrot named Kiwi").ok());
  EXPECT_TRUE(index.Search("Max", 10).empty());
  EXPECT_EQ(Ids(index.Search("Kiwi", 10)), std::vector<std::string>{"a"});
  EXPECT_EQ(index.size(), 2u);

  EXPECT_TRUE(index.Remove("b"));
  EXPECT_FALSE(index.Remove("b"));
  EXPECT_FALSE(index.Contains("b"));
  EXPECT_TRUE(index.Search("Luna", 10).empty());
  EXPECT_EQ(Ids(index.Search("named", 10)), std::vector<std::string>{"a"});
  ASSERT_TRUE(index.Put("b", "Luna again").ok());
  ASSERT_TRUE(index.Put("b", "Luna once more").ok());
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(Ids(index.Search("Luna", 10)), std::vector<std::string>{"b"});

  // Removing everything leaves an empty, usable index.
  EXPECT_TRUE(index.Remove("a"));
  EXPECT_TRUE(index.Remove("b"));
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(index.Search("named", 10).empty());
  ASSERT_TRUE(index.Add("c", "fresh start").ok());
  EXPECT_EQ(Ids(index.Search("start", 10)), std::vector<std::string>{"c"});
}

TEST(TextIndex, ScoresMatchAFreshIndexAfterChurn) {
  // Updates and removals leave the same statistics as building from scratch.
  TextIndex churned, fresh;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(churned.Add("d" + std::to_string(i), "temp words " + std::to_string(i)).ok());
  }
  for (int i = 0; i < 200; ++i) {
    const std::string id = "d" + std::to_string(i);
    const std::string text = "memory " + std::to_string(i % 7) + " about hiking and dogs";
    if (i % 3 == 0) {
      EXPECT_TRUE(churned.Remove(id));
    } else {
      ASSERT_TRUE(churned.Update(id, text).ok());
      ASSERT_TRUE(fresh.Add(id, text).ok());
    }
  }
  std::vector<TextHit> a = churned.Search("hiking dogs 3", 0), b = fresh.Search("hiking dogs 3", 0);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].doc_id, b[i].doc_id);
    EXPECT_NEAR(a[i].score, b[i].score, 1e-9);
  }
}

TEST(TextIndex, HostileDocuments) {
  TextIndex index;
  std::string huge(2 * kMaxTextBytes, 'x');
  ASSERT_TRUE(index.Add("huge", huge).ok());
  ASSERT_TRUE(index.Add("junk", std::string("\xff\xfe\x00\x80 spam", 9)).ok());
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  ASSERT_TRUE(index.Add("bytes", bytes).ok());
  EXPECT_EQ(Ids(index.Search("spam", 10)), std::vector<std::string>{"junk"});
  EXPECT_NO_FATAL_FAILURE(index.Search(bytes, 10));
  EXPECT_NO_FATAL_FAILURE(index.Search(huge, 10));
  ASSERT_TRUE(index.Add("empty", "").ok());
  ASSERT_TRUE(index.Add(std::string("\0id", 3), "binary id").ok());
  EXPECT_EQ(index.size(), 5u);
}

TEST(TextIndex, ConcurrentReadersAndWriter) {
  TextIndex index;
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(
        index.Add("d" + std::to_string(i), "Caroline likes hiking " + std::to_string(i)).ok());
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&index] {
      for (int i = 0; i < 200; ++i) {
        std::vector<TextHit> hits = index.Search("Caroline hiking", 5);
        EXPECT_FALSE(hits.empty());
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(index.Put("w" + std::to_string(i % 20), "Caroline went hiking in May 2023").ok());
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(index.size(), 520u);
}

// ---- Retrieval quality -------------------------------------------------------

struct Question {
  std::string text;
  std::vector<std::string> answers;
  std::string split;
  std::string type;
};
struct Scope {
  std::vector<std::pair<std::string, std::string>> memories;
  std::vector<Question> questions;
};

std::vector<Scope> LoadRetrievalSet() {
  std::ifstream in(std::string(MEM0_SOURCE_DIR) + "/tests/data/retrieval/retrieval_set.json");
  std::stringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(buffer.str());
  std::vector<Scope> scopes;
  for (const auto& s : doc["scopes"]) {
    Scope scope;
    for (const auto& m : s["memories"]) scope.memories.emplace_back(m["id"], m["text"]);
    for (const auto& q : s["questions"]) {
      scope.questions.push_back(
          {q["question"], q["answers"].get<std::vector<std::string>>(), q["split"], q["type"]});
    }
    scopes.push_back(std::move(scope));
  }
  return scopes;
}

// The naive baseline: whitespace tokens (lower-cased, outer punctuation
// stripped), no stop words, no stemming, TF-IDF.
class NaiveTfIdf {
 public:
  static std::vector<std::string> Tokens(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string w;
    while (in >> w) {
      std::size_t a = 0, b = w.size();
      while (a < b && std::ispunct(static_cast<unsigned char>(w[a]))) ++a;
      while (b > a && std::ispunct(static_cast<unsigned char>(w[b - 1]))) --b;
      std::string t = w.substr(a, b - a);
      for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (!t.empty()) out.push_back(t);
    }
    return out;
  }
  void Add(const std::string& id, const std::string& text) {
    std::map<std::string, int> tf;
    for (const auto& t : Tokens(text)) ++tf[t];
    for (const auto& [t, n] : tf) ++df_[t];
    docs_.push_back({id, std::move(tf)});
  }
  std::vector<std::string> Search(const std::string& query, std::size_t limit) const {
    std::set<std::string> terms;
    for (const auto& t : Tokens(query)) terms.insert(t);
    std::vector<std::pair<double, std::string>> scored;
    for (const auto& [id, tf] : docs_) {
      double s = 0;
      for (const auto& t : terms) {
        auto it = tf.find(t);
        if (it == tf.end()) continue;
        s += it->second * std::log(static_cast<double>(docs_.size()) / df_.at(t));
      }
      if (s > 0) scored.emplace_back(-s, id);
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < limit; ++i) out.push_back(scored[i].second);
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::map<std::string, int>>> docs_;
  std::map<std::string, int> df_;
};

struct Recall {
  double at5 = 0, at10 = 0;
  int questions = 0;
};

// recall@k: answers in the top k / answers, averaged over questions.
template <typename SearchFn>
Recall Evaluate(const Scope& scope, const std::string& split, SearchFn search) {
  Recall r;
  for (const Question& q : scope.questions) {
    if (!split.empty() && q.split != split) continue;
    std::vector<std::string> top = search(q.text);
    auto found = [&](std::size_t k) {
      int n = 0;
      for (const auto& a : q.answers) {
        if (std::find(top.begin(), top.begin() + std::min(k, top.size()), a) !=
            top.begin() + std::min(k, top.size())) {
          ++n;
        }
      }
      return static_cast<double>(n) / static_cast<double>(q.answers.size());
    };
    r.at5 += found(5);
    r.at10 += found(10);
    ++r.questions;
  }
  return r;
}

struct Totals {
  double at5 = 0, at10 = 0;
  int questions = 0;
  void Add(const Recall& r) {
    at5 += r.at5;
    at10 += r.at10;
    questions += r.questions;
  }
  double R5() const { return questions ? at5 / questions : 0; }
  double R10() const { return questions ? at10 / questions : 0; }
};

Totals EvaluateIndex(const std::vector<Scope>& scopes, const TextIndexOptions& options,
                     const std::string& split) {
  Totals totals;
  for (const Scope& scope : scopes) {
    TextIndex index(options);
    for (const auto& [id, text] : scope.memories) EXPECT_TRUE(index.Add(id, text).ok());
    totals.Add(
        Evaluate(scope, split, [&](const std::string& q) { return Ids(index.Search(q, 10)); }));
  }
  return totals;
}

Totals EvaluateBaseline(const std::vector<Scope>& scopes, const std::string& split) {
  Totals totals;
  for (const Scope& scope : scopes) {
    NaiveTfIdf index;
    for (const auto& [id, text] : scope.memories) index.Add(id, text);
    totals.Add(Evaluate(scope, split, [&](const std::string& q) { return index.Search(q, 10); }));
  }
  return totals;
}

TEST(TextIndexRetrieval, RecallOnConversationalMemorySet) {
  const std::vector<Scope> scopes = LoadRetrievalSet();
  std::size_t memories = 0, questions = 0;
  for (const Scope& s : scopes) {
    memories += s.memories.size();
    questions += s.questions.size();
  }
  ASSERT_GE(memories, 1000u);
  ASSERT_GE(questions, 200u);

  TextIndexOptions full;  // defaults: stop words, stemming, expansion, coordination
  TextIndexOptions no_coordination;
  no_coordination.coordination = 0;
  TextIndexOptions no_expansion = no_coordination;
  no_expansion.analyzer.expand_query = false;
  TextIndexOptions bare = no_expansion;  // BM25 over the tokenizer's tokens only
  bare.analyzer.stem = false;
  bare.analyzer.stop_words = false;

  std::printf("%zu memories, %zu questions\n", memories, questions);
  std::printf("%-44s %8s %8s %8s %8s %8s %8s\n", "ranker", "all@5", "all@10", "dev@5", "dev@10",
              "held@5", "held@10");
  auto row = [](const char* name, const Totals& all, const Totals& dev, const Totals& held) {
    std::printf("%-44s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", name, all.R5(), all.R10(), dev.R5(),
                dev.R10(), held.R5(), held.R10());
  };
  row("baseline: whitespace tokens, TF-IDF", EvaluateBaseline(scopes, ""),
      EvaluateBaseline(scopes, "dev"), EvaluateBaseline(scopes, "heldout"));
  auto bm25_row = [&](const char* name, const TextIndexOptions& options) {
    Totals all = EvaluateIndex(scopes, options, "");
    row(name, all, EvaluateIndex(scopes, options, "dev"),
        EvaluateIndex(scopes, options, "heldout"));
    return all;
  };
  bm25_row("BM25, tokenizer only (no stop/stem)", bare);
  bm25_row("  + stop words + Snowball stemming", no_expansion);
  bm25_row("  + query expansion", no_coordination);
  const Totals result = bm25_row("  + coordination (default options)", full);

  // Floors a few points under the measured figures: a regression fails.
  // Measured: 0.766 / 0.806.
  EXPECT_GE(result.R5(), 0.73);
  EXPECT_GE(result.R10(), 0.77);
}

}  // namespace
}  // namespace mem0::memory
