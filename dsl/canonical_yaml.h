// `weft fmt`: a definition printed as YAML in one canonical layout, from its canonical form
// (dsl/definition.h): block style, keys in the language's reading order (dsl, name, version...;
// in a step: id, description, when, the kind, then its options), durations and expression
// delimiters in their canonical spelling, strings quoted only where YAML needs it. Formatting
// the same definition always gives the same text, and that text loads to the same SHA-256.
// Comments are not kept (the canonical form has none). Pure; thread-safe.
#ifndef WEFT_DSL_CANONICAL_YAML_H_
#define WEFT_DSL_CANONICAL_YAML_H_

#include <string>

#include "dsl/definition.h"

namespace weft::dsl {

std::string CanonicalYaml(const Definition& definition);

}  // namespace weft::dsl

#endif  // WEFT_DSL_CANONICAL_YAML_H_
