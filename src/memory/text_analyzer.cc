// English text analysis for lexical search: see text_index.h for the rules.
#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "memory/text_index.h"

namespace mem0::memory {
namespace {

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
// Letters are ASCII letters and every byte of a non-ASCII code point the
// normaliser kept (it turned non-ASCII punctuation into spaces).
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || IsAsciiUpper(c) || static_cast<unsigned char>(c) >= 0x80;
}
bool IsAlnum(char c) { return IsLetter(c) || IsAsciiDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (IsAsciiUpper(c)) c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsAsciiDigit);
}
bool AllLetters(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsLetter);
}
bool HasDigit(std::string_view s) { return std::any_of(s.begin(), s.end(), IsAsciiDigit); }

// Latin-1 letters U+00C0..U+00FF folded to ASCII, keeping case; "" marks
// the two symbols (multiplication and division signs).
constexpr std::array<const char*, 64> kLatin1Fold = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// Decodes one UTF-8 code point at s[i]; returns its length, 0 when invalid.
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t len;
  char32_t value;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    value = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    value = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  if ((len == 3 && value < 0x800) || (len == 4 && (value < 0x10000 || value > 0x10FFFF)) ||
      (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  *cp = value;
  return len;
}

// Text with punctuation code points mapped to ASCII (apostrophes, hyphens)
// or spaces, Latin-1 letters folded, invalid UTF-8 turned into spaces. ASCII
// case is kept (month detection looks at capitals).
std::string Normalize(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    std::size_t cut = kMaxTextBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<unsigned char>(c) < 0x80) {
      out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    const std::size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      out.push_back(' ');
      ++i;
      continue;
    }
    if (cp >= 0xC0 && cp <= 0xFF) {
      const char* folded = kLatin1Fold[cp - 0xC0];
      out += *folded ? folded : " ";
    } else if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x2032 || cp == 0xB4) {
      out.push_back('\'');
    } else if (cp == 0x2010 || cp == 0x2011) {
      out.push_back('-');
    } else if (cp < 0xC0 ||                         // C1 controls, Latin-1 symbols
               (cp >= 0x2000 && cp <= 0x2BFF) ||    // punctuation, symbols, arrows
               (cp >= 0x3000 && cp <= 0x303F) ||    // CJK punctuation
               (cp >= 0xFE00 && cp <= 0xFE6F) ||    // variation selectors, small forms
               (cp >= 0xFF00 && cp <= 0xFF20) ||    // full-width punctuation
               (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // emoji
               cp == 0xFEFF) {
      out.push_back(' ');
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (IsAsciiUpper(c)) c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool LooksLikeEmail(std::string_view chunk) {
  const std::size_t at = chunk.find('@');
  if (at == std::string_view::npos || at == 0 || !IsAlnum(chunk[at - 1])) return false;
  const std::size_t dot = chunk.find('.', at);
  return dot != std::string_view::npos && dot > at + 1 && dot + 1 < chunk.size() &&
         IsLetter(chunk[dot + 1]);
}

// A token before month detection, stop words and stemming.
struct Pre {
  std::string text;  // lower-case
  TokenKind kind = TokenKind::kWord;
  bool capitalized = false;
  bool sentence_start = false;
  int int_value = -1;  // for plain integers and ordinals, else -1
};

int IntValue(std::string_view digits) {
  if (digits.empty() || digits.size() > 6 || !AllDigits(digits)) return -1;
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

bool IsYear(const Pre& p) {
  return p.kind == TokenKind::kNumber && p.text.size() == 4 && p.int_value >= 1900 &&
         p.int_value <= 2199;
}
bool IsDay(const Pre& p) {
  return p.kind == TokenKind::kNumber && p.int_value >= 1 && p.int_value <= 31 &&
         p.text.size() <= 2;
}

constexpr std::array<const char*, 12> kMonths = {"january",   "february", "march",    "april",
                                                 "may",       "june",     "july",     "august",
                                                 "september", "october",  "november", "december"};

// 1..12 for a month name or abbreviation, 0 otherwise; *ambiguous when the
// word is also an ordinary word ("may", "mar", "jan", ...).
int MonthNumber(std::string_view w, bool* ambiguous) {
  *ambiguous = false;
  for (int m = 0; m < 12; ++m) {
    if (w == kMonths[m]) {
      *ambiguous = (m == 4);
      return m + 1;
    }
  }
  static const std::unordered_map<std::string_view, int> kAbbrev = {
      {"jan", 1}, {"feb", 2}, {"mar", 3},  {"apr", 4},  {"jun", 6},  {"jul", 7},
      {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12}};
  auto it = kAbbrev.find(w);
  if (it == kAbbrev.end()) return 0;
  *ambiguous = true;
  return it->second;
}

std::string TwoDigits(int v) {
  std::string s = std::to_string(v);
  return v < 10 ? "0" + s : s;
}

void PushDate(std::vector<Pre>* out, int year, int month, int day) {
  if (year > 0) out->push_back({std::to_string(year), TokenKind::kNumber, false, false, year});
  out->push_back({kMonths[month - 1], TokenKind::kDate});
  if (day > 0) out->push_back({std::to_string(day), TokenKind::kNumber, false, false, day});
  if (year > 0) {
    out->push_back({std::to_string(year) + "-" + TwoDigits(month), TokenKind::kDate});
    if (day > 0) {
      out->push_back(
          {std::to_string(year) + "-" + TwoDigits(month) + "-" + TwoDigits(day), TokenKind::kDate});
    }
  }
}

const std::unordered_map<std::string_view, std::string_view>& WordMap() {
  // Number words to digits; British to American spelling.
  static const std::unordered_map<std::string_view, std::string_view> kMap = {
      {"two", "2"},
      {"three", "3"},
      {"four", "4"},
      {"five", "5"},
      {"six", "6"},
      {"seven", "7"},
      {"eight", "8"},
      {"nine", "9"},
      {"ten", "10"},
      {"eleven", "11"},
      {"twelve", "12"},
      {"thirteen", "13"},
      {"fourteen", "14"},
      {"fifteen", "15"},
      {"sixteen", "16"},
      {"seventeen", "17"},
      {"eighteen", "18"},
      {"nineteen", "19"},
      {"twenty", "20"},
      {"thirty", "30"},
      {"forty", "40"},
      {"fifty", "50"},
      {"sixty", "60"},
      {"seventy", "70"},
      {"eighty", "80"},
      {"ninety", "90"},
      {"favourite", "favorite"},
      {"favourites", "favorites"},
      {"colour", "color"},
      {"colours", "colors"},
      {"neighbour", "neighbor"},
      {"neighbours", "neighbors"},
      {"theatre", "theater"},
      {"centre", "center"},
      {"mum", "mom"},
      {"grey", "gray"},
      {"jewellery", "jewelry"},
      {"organise", "organize"},
      {"organised", "organized"},
      {"realise", "realize"},
      {"realised", "realized"},
      {"practise", "practice"},
      {"programme", "program"},
      {"aeroplane", "airplane"},
      // Irregular verb forms and plurals Snowball leaves apart.
      {"went", "go"},
      {"gone", "go"},
      {"ran", "run"},
      {"bought", "buy"},
      {"took", "take"},
      {"taken", "take"},
      {"gave", "give"},
      {"given", "give"},
      {"saw", "see"},
      {"seen", "see"},
      {"met", "meet"},
      {"ate", "eat"},
      {"eaten", "eat"},
      {"wrote", "write"},
      {"written", "write"},
      {"began", "begin"},
      {"begun", "begin"},
      {"made", "make"},
      {"got", "get"},
      {"gotten", "get"},
      {"left", "leave"},
      {"felt", "feel"},
      {"found", "find"},
      {"taught", "teach"},
      {"thought", "think"},
      {"told", "tell"},
      {"won", "win"},
      {"lost", "lose"},
      {"spent", "spend"},
      {"drove", "drive"},
      {"driven", "drive"},
      {"flew", "fly"},
      {"flown", "fly"},
      {"swam", "swim"},
      {"sang", "sing"},
      {"sung", "sing"},
      {"built", "build"},
      {"brought", "bring"},
      {"caught", "catch"},
      {"chose", "choose"},
      {"chosen", "choose"},
      {"fell", "fall"},
      {"fallen", "fall"},
      {"grew", "grow"},
      {"grown", "grow"},
      {"kept", "keep"},
      {"knew", "know"},
      {"known", "know"},
      {"led", "lead"},
      {"paid", "pay"},
      {"rode", "ride"},
      {"ridden", "ride"},
      {"sold", "sell"},
      {"sent", "send"},
      {"slept", "sleep"},
      {"spoke", "speak"},
      {"spoken", "speak"},
      {"stood", "stand"},
      {"threw", "throw"},
      {"thrown", "throw"},
      {"woke", "wake"},
      {"wore", "wear"},
      {"worn", "wear"},
      {"broke", "break"},
      {"broken", "break"},
      {"forgot", "forget"},
      {"forgotten", "forget"},
      {"held", "hold"},
      {"heard", "hear"},
      {"became", "become"},
      {"came", "come"},
      {"sat", "sit"},
      {"drew", "draw"},
      {"drawn", "draw"},
      {"dug", "dig"},
      {"hid", "hide"},
      {"children", "child"},
      {"men", "man"},
      {"women", "woman"},
      {"people", "person"},
      {"feet", "foot"},
      {"teeth", "tooth"},
      {"mice", "mouse"},
      {"wives", "wife"}};
  return kMap;
}

void PushPiece(std::string_view piece, bool capitalized, bool sentence_start,
               std::vector<Pre>* out);

// A piece without hyphens or slashes: word, number or contraction.
void PushSimple(std::string_view raw, bool capitalized, bool sentence_start,
                std::vector<Pre>* out) {
  if (raw.empty()) return;
  std::string w = Lower(raw);
  if (w.find('\'') != std::string::npos) {
    auto ends = [&](std::string_view suffix) {
      return w.size() > suffix.size() &&
             w.compare(w.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
    };
    if (ends("n't")) {
      std::string base = w.substr(0, w.size() - 3);
      if (base == "ca") base = "can";
      if (base == "wo") base = "will";
      if (base == "sha") base = "shall";
      if (base == "ai") base = "is";
      PushSimple(base, capitalized, sentence_start, out);
      out->push_back({"not", TokenKind::kWord});
      return;
    }
    for (std::string_view suffix : {"'s", "'re", "'ve", "'ll", "'d", "'m"}) {
      if (ends(suffix)) {
        PushSimple(std::string_view(w).substr(0, w.size() - suffix.size()), capitalized,
                   sentence_start, out);
        return;
      }
    }
    w.erase(std::remove(w.begin(), w.end(), '\''), w.end());
  }
  if (w.empty()) return;
  Pre p;
  p.capitalized = capitalized;
  p.sentence_start = sentence_start;
  if (AllLetters(w)) {
    auto it = WordMap().find(w);
    if (it != WordMap().end()) {
      p.text = std::string(it->second);
      p.kind = AllDigits(p.text) ? TokenKind::kNumber : TokenKind::kWord;
      p.int_value = IntValue(p.text);
    } else {
      p.text = std::move(w);
    }
    out->push_back(std::move(p));
    return;
  }
  // Numbers: "1,200" -> "1200"; "7th" -> "7"; "3.5", "10k", "5:30" as is.
  p.kind = TokenKind::kNumber;
  if (!HasDigit(w)) return;
  w.erase(std::remove(w.begin(), w.end(), ','), w.end());
  std::size_t digits = 0;
  while (digits < w.size() && IsAsciiDigit(w[digits])) ++digits;
  const std::string_view suffix = std::string_view(w).substr(digits);
  if (digits > 0 && (suffix == "st" || suffix == "nd" || suffix == "rd" || suffix == "th")) {
    w.resize(digits);
  }
  p.int_value = IntValue(w);
  p.text = std::move(w);
  out->push_back(std::move(p));
}

bool ParseIsoDate(std::string_view s, int* y, int* m, int* d) {
  // YYYY-MM or YYYY-MM-DD
  if (s.size() < 6 || s[4] != '-' || !AllDigits(s.substr(0, 4))) return false;
  const std::size_t second = s.find('-', 5);
  const std::string_view ms = s.substr(5, second == std::string_view::npos ? s.npos : second - 5);
  const std::string_view ds =
      second == std::string_view::npos ? std::string_view() : s.substr(second + 1);
  if (ms.empty() || ms.size() > 2 || !AllDigits(ms)) return false;
  if (second != std::string_view::npos && (ds.empty() || ds.size() > 2 || !AllDigits(ds))) {
    return false;
  }
  *y = IntValue(s.substr(0, 4));
  *m = IntValue(ms);
  *d = ds.empty() ? 0 : IntValue(ds);
  return *y >= 1900 && *y <= 2199 && *m >= 1 && *m <= 12 && *d >= 0 && *d <= 31;
}

bool ParseSlashDate(std::string_view s, int* y, int* m, int* d) {
  // M/D/YYYY or M/D/YY (US order).
  const std::size_t a = s.find('/');
  const std::size_t b = a == s.npos ? s.npos : s.find('/', a + 1);
  if (b == s.npos || s.find('/', b + 1) != s.npos) return false;
  const std::string_view ms = s.substr(0, a), ds = s.substr(a + 1, b - a - 1), ys = s.substr(b + 1);
  if (ms.size() > 2 || ds.size() > 2 || (ys.size() != 2 && ys.size() != 4)) return false;
  if (!AllDigits(ms) || !AllDigits(ds) || !AllDigits(ys)) return false;
  *m = IntValue(ms);
  *d = IntValue(ds);
  *y = IntValue(ys);
  if (ys.size() == 2) *y += 2000;
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31 && *y >= 1900 && *y <= 2199;
}

// A scanned run of letters/digits joined by ' - . , / : (see Scan).
void PushPiece(std::string_view piece, bool capitalized, bool sentence_start,
               std::vector<Pre>* out) {
  int y = 0, m = 0, d = 0;
  if (piece.find('-') != piece.npos) {
    if (ParseIsoDate(piece, &y, &m, &d)) {
      PushDate(out, y, m, d);
      return;
    }
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
      const std::size_t dash = piece.find('-', start);
      parts.push_back(piece.substr(start, dash == piece.npos ? piece.npos : dash - start));
      if (dash == piece.npos) break;
      start = dash + 1;
    }
    std::string joined;
    bool all_letters = parts.size() > 1;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      PushPiece(parts[i], i == 0 && capitalized, i == 0 && sentence_start, out);
      all_letters = all_letters && AllLetters(parts[i]);
      joined += parts[i];
    }
    if (all_letters) PushSimple(joined, false, false, out);
    return;
  }
  if (piece.find('/') != piece.npos) {
    if (ParseSlashDate(piece, &y, &m, &d)) {
      PushDate(out, y, m, d);
      return;
    }
    std::size_t start = 0;
    while (true) {
      const std::size_t slash = piece.find('/', start);
      PushSimple(piece.substr(start, slash == piece.npos ? piece.npos : slash - start), false,
                 false, out);
      if (slash == piece.npos) break;
      start = slash + 1;
    }
    return;
  }
  PushSimple(piece, capitalized, sentence_start, out);
}

// Splits normalised text into pieces: runs of letters and digits, joined by
// an apostrophe or hyphen between two alphanumerics, or by . , / : between
// two digits ("3.5", "1,200", "5/7/2023", "5:30"). E-mail addresses and
// URLs are kept whole.
std::vector<Pre> Scan(std::string_view s) {
  std::vector<Pre> out;
  bool sentence_start = true;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (!IsAlnum(c)) {
      if (c == '.' || c == '!' || c == '?') sentence_start = true;
      ++i;
      continue;
    }
    std::size_t chunk_end = i;
    while (chunk_end < s.size() && !IsSpace(s[chunk_end])) ++chunk_end;
    std::string_view chunk = s.substr(i, chunk_end - i);
    if (StartsWithIgnoreCase(chunk, "http://") || StartsWithIgnoreCase(chunk, "https://") ||
        StartsWithIgnoreCase(chunk, "www.") || LooksLikeEmail(chunk)) {
      while (!chunk.empty() && std::strchr(".,;:!?)]}'\">", chunk.back()) != nullptr) {
        chunk.remove_suffix(1);
      }
      out.push_back({Lower(chunk), TokenKind::kVerbatim});
      sentence_start = false;
      i = chunk_end;
      continue;
    }
    std::size_t k = i;
    while (true) {
      while (k < s.size() && IsAlnum(s[k])) ++k;
      if (k + 1 >= s.size() || !IsAlnum(s[k + 1])) break;
      const char conn = s[k];
      bool join = conn == '\'' || conn == '-';
      if (!join && (conn == '.' || conn == '/' || conn == ':') && IsAsciiDigit(s[k - 1]) &&
          IsAsciiDigit(s[k + 1])) {
        join = true;
      }
      if (!join && conn == ',' && IsAsciiDigit(s[k - 1]) && k + 3 < s.size() + 0 &&
          IsAsciiDigit(s[k + 1]) && IsAsciiDigit(s[k + 2]) && IsAsciiDigit(s[k + 3]) &&
          (k + 4 >= s.size() || !IsAsciiDigit(s[k + 4]))) {
        join = true;
      }
      if (!join) break;
      ++k;
    }
    const std::string_view piece = s.substr(i, k - i);
    PushPiece(piece, IsAsciiUpper(piece[0]), sentence_start, &out);
    sentence_start = false;
    i = k;
  }
  return out;
}

bool IsDateContextWord(std::string_view w) {
  return w == "in" || w == "since" || w == "until" || w == "till" || w == "during" ||
         w == "early" || w == "late" || w == "mid" || w == "of";
}

// Turns month words into kDate month names and adds YYYY-MM(-DD) tokens.
std::vector<Pre> MarkDates(std::vector<Pre> pre) {
  std::vector<Pre> out;
  out.reserve(pre.size() + 4);
  for (std::size_t i = 0; i < pre.size(); ++i) {
    Pre p = std::move(pre[i]);
    bool ambiguous = false;
    const int month = p.kind == TokenKind::kWord ? MonthNumber(p.text, &ambiguous) : 0;
    if (month == 0) {
      out.push_back(std::move(p));
      continue;
    }
    const Pre* prev = out.empty() ? nullptr : &out.back();  // pre[i - 1] was moved
    const Pre* next = i + 1 < pre.size() ? &pre[i + 1] : nullptr;
    const Pre* next2 = i + 2 < pre.size() ? &pre[i + 2] : nullptr;
    const bool number_next = next && (IsDay(*next) || IsYear(*next));
    const bool number_prev = prev && IsDay(*prev);
    // "may" is a month when capitalised mid-sentence or after "in", "since",
    // ...; abbreviations ("mar", "jan", "dec") only next to a day or year.
    const bool abbreviation = p.text != kMonths[month - 1];
    const bool context = !abbreviation && ((p.capitalized && !p.sentence_start) ||
                                           (prev && IsDateContextWord(prev->text)));
    if (ambiguous && !number_next && !number_prev && !context) {
      out.push_back(std::move(p));
      continue;
    }
    int day = 0, year = 0;
    if (next && IsDay(*next)) {
      day = next->int_value;
      if (next2 && IsYear(*next2)) year = next2->int_value;
    } else if (next && IsYear(*next)) {
      year = next->int_value;
    }
    if (day == 0 && prev) {
      if (IsDay(*prev)) {
        day = prev->int_value;
      } else if (prev->text == "of" && out.size() >= 2 && IsDay(out[out.size() - 2])) {
        day = out[out.size() - 2].int_value;
      }
    }
    out.push_back({kMonths[month - 1], TokenKind::kDate});
    if (year > 0) {
      out.push_back({std::to_string(year) + "-" + TwoDigits(month), TokenKind::kDate});
      if (day > 0) {
        out.push_back({std::to_string(year) + "-" + TwoDigits(month) + "-" + TwoDigits(day),
                       TokenKind::kDate});
      }
    }
  }
  return out;
}

const std::unordered_set<std::string_view>& StopWords() {
  static const std::unordered_set<std::string_view> kStop = {
      // articles, conjunctions, prepositions
      "a", "an", "the", "and", "or", "but", "nor", "if", "then", "else", "so", "than", "as", "of",
      "at", "by", "for", "with", "about", "against", "between", "into", "through", "during",
      "before", "after", "above", "below", "to", "from", "up", "down", "in", "out", "on", "off",
      "over", "under", "again", "further", "once", "onto", "upon", "within", "without", "via",
      "per", "around", "among", "across", "along", "toward", "towards",
      // pronouns and determiners
      "i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves", "you", "your",
      "yours", "yourself", "yourselves", "he", "him", "his", "himself", "she", "her", "hers",
      "herself", "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "this",
      "that", "these", "those", "who", "whom", "whose", "what", "which", "whatever", "whoever",
      "each", "every", "either", "neither", "all", "any", "both", "few", "more", "most", "other",
      "others", "another", "some", "such", "own", "same", "much", "many", "several",
      // question adverbs
      "when", "where", "why", "how", "here", "there", "whether",
      // auxiliaries and modals
      "am", "is", "are", "was", "were", "be", "been", "being", "have", "has", "had", "having", "do",
      "does", "did", "doing", "done", "can", "could", "will", "would", "shall", "should", "may",
      "might", "must", "ought",
      // negation and degree
      "no", "not", "only", "very", "too", "just", "also", "even", "still", "yet", "quite", "rather",
      "really", "now", "ever", "already", "s", "t", "d", "ll", "m", "re", "ve",
      // light verbs that match everything ("got into", "get injured")
      "get", "gets", "getting",
      // conversational filler
      "oh", "ok", "okay", "yes", "yeah", "um", "uh", "hmm", "well", "hey", "hi", "please"};
  return kStop;
}

// Words that only make a question polite or conversational.
bool IsQueryFiller(std::string_view w) {
  static const std::unordered_set<std::string_view> kFiller = {
      "remember", "recall", "tell",     "mention",   "mentioned", "say",    "said",
      "talk",     "talked", "anything", "something", "thing",     "things", "kind",
      "sort",     "know",   "idea",     "wonder",    "curious",   "any"};
  return kFiller.count(w) > 0;
}

// Groups of related words for query expansion (common conversational
// paraphrases: "job" vs "works as", "kids" vs "children").
const std::vector<std::vector<std::string_view>>& RelatedWordGroups() {
  static const std::vector<std::vector<std::string_view>> kGroups = {
      {"job", "work", "occupation", "profession", "career", "employed", "employer", "works"},
      {"live", "reside", "resident", "hometown", "based"},
      {"kid", "child", "children", "son", "daughter"},
      {"pet", "dog", "cat", "puppy", "kitten"},
      {"like", "love", "enjoy", "fond", "favorite", "prefer"},
      {"hobby", "hobbies", "pastime", "leisure", "spare", "free"},
      {"allergy", "allergies", "allergic", "intolerant"},
      {"married", "marry", "wife", "husband", "spouse", "wedding"},
      {"partner", "boyfriend", "girlfriend", "fiance", "fiancee"},
      {"birthday", "born"},
      {"study", "student", "school", "college", "university", "degree", "major", "graduated"},
      {"travel", "trip", "vacation", "holiday", "journey", "visit"},
      {"car", "vehicle", "drive", "drives"},
      {"food", "eat", "cuisine", "dish", "meal"},
      {"injure", "injured", "injury", "hurt"},
      {"book", "novel", "read", "author"},
      {"movie", "film", "watch", "cinema"},
      {"music", "song", "band", "concert"},
      {"instrument", "guitar", "piano", "violin", "drums", "cello", "ukulele", "saxophone"},
      {"friend", "buddy", "pal"},
      {"begin", "began", "start", "started"},
      {"buy", "bought", "purchase", "purchased"},
      {"doctor", "physician"},
      {"lawyer", "attorney"},
      {"mom", "mother"},
      {"dad", "father"},
      {"parent", "parents", "mom", "dad"},
      {"sibling", "brother", "sister"},
      {"exercise", "workout", "gym", "fitness"},
      {"run", "running", "jog", "marathon"},
      {"cook", "bake", "recipe"},
      {"paint", "painting", "drawing", "art"},
      {"volunteer", "volunteering", "charity"},
      {"sick", "ill", "illness", "disease", "diagnosed"},
      {"afraid", "fear", "scared", "phobia"},
      {"language", "speak", "fluent"},
      {"house", "apartment", "home"},
      {"goal", "plan", "planning", "dream", "hope"},
      {"old", "age"},
      {"sport", "play", "team"},
      {"relocate", "relocated", "moved"}};
  return kGroups;
}

struct SbStemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

}  // namespace

std::string TextAnalyzer::Stem(std::string_view lower_word) {
  // sb_stemmer keeps per-call state: one per thread.
  thread_local std::unique_ptr<sb_stemmer, SbStemmerDeleter> stemmer(
      sb_stemmer_new("english", nullptr));
  if (!stemmer || lower_word.empty() || lower_word.size() > kMaxTokenBytes) {
    return std::string(lower_word);
  }
  const sb_symbol* out =
      sb_stemmer_stem(stemmer.get(), reinterpret_cast<const sb_symbol*>(lower_word.data()),
                      static_cast<int>(lower_word.size()));
  if (out == nullptr) return std::string(lower_word);  // out of memory
  return std::string(reinterpret_cast<const char*>(out),
                     static_cast<std::size_t>(sb_stemmer_length(stemmer.get())));
}

bool TextAnalyzer::IsStopWord(std::string_view lower_word) {
  return StopWords().count(lower_word) > 0;
}

std::vector<Token> TextAnalyzer::Tokenize(std::string_view text) {
  std::vector<Pre> pre = MarkDates(Scan(Normalize(text)));
  std::vector<Token> out;
  out.reserve(pre.size());
  for (Pre& p : pre) {
    if (p.text.empty() || p.text.size() > kMaxTokenBytes) continue;
    out.push_back({std::move(p.text), p.kind});
  }
  return out;
}

std::vector<std::string> TextAnalyzer::Analyze(std::string_view text,
                                               const AnalyzerOptions& options) {
  std::vector<Token> tokens = Tokenize(text);
  std::vector<std::string> terms;
  terms.reserve(tokens.size());
  for (Token& t : tokens) {
    if (t.kind != TokenKind::kWord) {
      terms.push_back(std::move(t.text));
      continue;
    }
    if (options.stop_words && IsStopWord(t.text)) continue;
    terms.push_back(options.stem ? Stem(t.text) : std::move(t.text));
  }
  return terms;
}

std::vector<WeightedTerm> TextAnalyzer::AnalyzeQuery(std::string_view query,
                                                     const AnalyzerOptions& options) {
  std::vector<Token> tokens = Tokenize(query);
  // "(do) for a living" asks for a job, not where someone lives.
  for (std::size_t i = 2; i < tokens.size(); ++i) {
    if (tokens[i].text == "living" && tokens[i - 1].text == "a" && tokens[i - 2].text == "for") {
      tokens[i].text = "job";
    }
  }
  std::vector<WeightedTerm> terms;
  auto add = [&terms](std::string term, double weight) {
    if (terms.size() >= kMaxQueryTerms) return;
    for (WeightedTerm& t : terms) {
      if (t.term == term) {
        t.weight = std::max(t.weight, weight);
        return;
      }
    }
    terms.push_back({std::move(term), weight});
  };
  for (Token& t : tokens) {
    if (t.kind == TokenKind::kWord) {
      if (options.stop_words && (IsStopWord(t.text) || IsQueryFiller(t.text))) continue;
      add(options.stem ? Stem(t.text) : t.text, 1.0);
    } else {
      add(std::move(t.text), 1.0);
    }
  }
  if (!options.expand_query || options.expansion_weight <= 0) return terms;
  // Stemmed group members, built once (the stemmer is deterministic).
  static const std::vector<std::vector<std::string>> kStemmedGroups = [] {
    std::vector<std::vector<std::string>> groups;
    for (const auto& group : RelatedWordGroups()) {
      std::vector<std::string> stems;
      for (std::string_view w : group) {
        std::string s = Stem(w);
        if (std::find(stems.begin(), stems.end(), s) == stems.end()) stems.push_back(s);
      }
      groups.push_back(std::move(stems));
    }
    return groups;
  }();
  const std::size_t original = terms.size();
  for (std::size_t i = 0; i < original; ++i) {
    const std::string term = terms[i].term;
    for (const auto& group : kStemmedGroups) {
      if (std::find(group.begin(), group.end(), term) == group.end()) continue;
      for (const std::string& related : group) {
        if (related != term) add(related, options.expansion_weight);
      }
    }
  }
  return terms;
}

}  // namespace mem0::memory
