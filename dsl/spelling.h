// "Did you mean ...?": the candidate closest to a misspelt name, by edit distance. Pure;
// thread-safe.
#ifndef WEFT_DSL_SPELLING_H_
#define WEFT_DSL_SPELLING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace weft::dsl {

// Optimal string alignment distance (insertions, deletions, substitutions, transpositions).
std::size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is near enough to be a likely typo: at most 1 edit
// for words up to 4 characters, 2 up to 8, 3 beyond. Ties go to the earlier candidate.
std::optional<std::string> ClosestSpelling(std::string_view word,
                                           const std::vector<std::string_view>& candidates);

}  // namespace weft::dsl

#endif  // WEFT_DSL_SPELLING_H_
