// BM25 inverted index over one scope's memories: see text_index.h.
#include "memory/text_index.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <utility>

namespace mem0::memory {

TextIndex::TextIndex(TextIndexOptions options) : options_(options) {}
TextIndex::~TextIndex() = default;

namespace {

Status CheckId(std::string_view doc_id) {
  if (doc_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty document id");
  if (doc_id.size() > kMaxDocIdBytes) {
    return MakeError(ErrorCode::kInvalidArgument, "document id longer than 1024 bytes");
  }
  return {};
}

}  // namespace

Status TextIndex::Add(std::string_view doc_id, std::string_view text) {
  MEM0_RETURN_IF_ERROR(CheckId(doc_id));
  std::unique_lock lock(mutex_);
  if (slot_by_id_.count(std::string(doc_id)) > 0) {
    return MakeError(ErrorCode::kAlreadyExists, "document already indexed");
  }
  AddLocked(doc_id, text);
  return {};
}

Status TextIndex::Update(std::string_view doc_id, std::string_view text) {
  MEM0_RETURN_IF_ERROR(CheckId(doc_id));
  std::unique_lock lock(mutex_);
  auto it = slot_by_id_.find(std::string(doc_id));
  if (it == slot_by_id_.end()) return MakeError(ErrorCode::kNotFound, "document not indexed");
  RemoveLocked(it->second);
  AddLocked(doc_id, text);
  return {};
}

Status TextIndex::Put(std::string_view doc_id, std::string_view text) {
  MEM0_RETURN_IF_ERROR(CheckId(doc_id));
  std::unique_lock lock(mutex_);
  auto it = slot_by_id_.find(std::string(doc_id));
  if (it != slot_by_id_.end()) RemoveLocked(it->second);
  AddLocked(doc_id, text);
  return {};
}

bool TextIndex::Remove(std::string_view doc_id) {
  std::unique_lock lock(mutex_);
  auto it = slot_by_id_.find(std::string(doc_id));
  if (it == slot_by_id_.end()) return false;
  RemoveLocked(it->second);
  return true;
}

bool TextIndex::Contains(std::string_view doc_id) const {
  std::shared_lock lock(mutex_);
  return slot_by_id_.count(std::string(doc_id)) > 0;
}

std::size_t TextIndex::size() const {
  std::shared_lock lock(mutex_);
  return slot_by_id_.size();
}

void TextIndex::AddLocked(std::string_view doc_id, std::string_view text) {
  std::vector<std::string> terms = TextAnalyzer::Analyze(text, options_.analyzer);
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(docs_.size());
    docs_.emplace_back();
  }
  Doc& doc = docs_[slot];
  doc.id = std::string(doc_id);
  doc.length = static_cast<std::uint32_t>(terms.size());
  doc.live = true;
  doc.terms.clear();
  // Term frequencies: sort the analysed terms and count runs.
  std::sort(terms.begin(), terms.end());
  for (std::size_t i = 0; i < terms.size();) {
    std::size_t j = i;
    while (j < terms.size() && terms[j] == terms[i]) ++j;
    auto [it, inserted] =
        term_ids_.try_emplace(terms[i], static_cast<std::uint32_t>(postings_.size()));
    if (inserted) postings_.emplace_back();
    postings_[it->second].push_back({slot, static_cast<std::uint32_t>(j - i)});
    doc.terms.push_back(it->second);
    i = j;
  }
  total_length_ += doc.length;
  slot_by_id_.emplace(doc.id, slot);
}

void TextIndex::RemoveLocked(std::uint32_t slot) {
  Doc& doc = docs_[slot];
  for (std::uint32_t term : doc.terms) {
    std::vector<Posting>& list = postings_[term];
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].doc == slot) {
        list[i] = list.back();
        list.pop_back();
        break;
      }
    }
    // Empty posting lists stay (term ids are stable); the dictionary only
    // grows with distinct words ever indexed.
  }
  total_length_ -= doc.length;
  slot_by_id_.erase(doc.id);
  doc.id.clear();
  doc.id.shrink_to_fit();
  doc.terms.clear();
  doc.terms.shrink_to_fit();
  doc.length = 0;
  doc.live = false;
  free_slots_.push_back(slot);
}

std::vector<TextHit> TextIndex::Search(std::string_view query, std::size_t limit) const {
  const std::vector<WeightedTerm> terms = TextAnalyzer::AnalyzeQuery(query, options_.analyzer);
  std::shared_lock lock(mutex_);
  const std::size_t n = slot_by_id_.size();
  if (terms.empty() || n == 0) return {};
  const double avgdl = std::max(1.0, static_cast<double>(total_length_) / static_cast<double>(n));
  const double k1 = options_.k1, b = options_.b;
  // Per-slot length normaliser k1 * (1 - b + b * len / avgdl), computed
  // lazily for touched documents only.
  std::vector<double> scores(docs_.size(), 0.0);
  std::vector<std::uint32_t> touched;
  std::vector<float> matched(options_.coordination > 0 ? docs_.size() : 0, 0.0f);
  double total_weight = 0;
  for (const WeightedTerm& term : terms) {
    if (term.weight >= 1.0) total_weight += term.weight;
    auto it = term_ids_.find(term.term);
    if (it == term_ids_.end()) continue;
    const std::vector<Posting>& list = postings_[it->second];
    if (list.empty()) continue;
    const double df = static_cast<double>(list.size());
    const double idf = std::log(1.0 + (static_cast<double>(n) - df + 0.5) / (df + 0.5));
    const double w = term.weight * idf * (k1 + 1.0);
    for (const Posting& p : list) {
      const double tf = p.tf;
      const double norm = k1 * (1.0 - b + b * docs_[p.doc].length / avgdl);
      if (scores[p.doc] == 0.0) touched.push_back(p.doc);
      scores[p.doc] += w * tf / (tf + norm);
      if (!matched.empty() && term.weight >= 1.0) matched[p.doc] += static_cast<float>(term.weight);
    }
  }
  std::vector<double> bm25;
  if (!matched.empty() && total_weight > 0) {
    bm25 = scores;
    for (std::uint32_t d : touched) {
      scores[d] *= std::pow((1.0 + matched[d]) / (1.0 + total_weight), options_.coordination);
    }
  }
  // Ties (equal float sums from the same term order) go by doc_id.
  auto better = [&](std::uint32_t x, std::uint32_t y) {
    if (scores[x] != scores[y]) return scores[x] > scores[y];
    return docs_[x].id < docs_[y].id;
  };
  const std::size_t keep = limit == 0 ? touched.size() : std::min(limit, touched.size());
  std::partial_sort(touched.begin(), touched.begin() + static_cast<std::ptrdiff_t>(keep),
                    touched.end(), better);
  std::vector<TextHit> hits;
  hits.reserve(keep);
  const double best = keep > 0 ? scores[touched[0]] : 0.0;
  for (std::size_t i = 0; i < keep; ++i) {
    const double score = scores[touched[i]];
    hits.push_back({docs_[touched[i]].id, score, bm25.empty() ? score : bm25[touched[i]],
                    best > 0 ? score / best : 0.0});
  }
  return hits;
}

}  // namespace mem0::memory
