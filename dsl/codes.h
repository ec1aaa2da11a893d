// The stable diagnostic codes of the definition loader (docs/language.md lists each with an
// example). WEFT10xx: the YAML text itself; WEFT11xx: the document's shape; WEFT12xx: names and
// references; WEFT13xx: Temporal constraints; WEFT14xx: expressions as the document uses them.
// The expression language's own codes (WEFT2xxx) are in dsl/expr/codes.h. Codes are never
// renumbered or reused: tools, agents and golden files depend on them.
#ifndef WEFT_DSL_CODES_H_
#define WEFT_DSL_CODES_H_

namespace weft::dsl::codes {

// The text.
inline constexpr char kFileTooLarge[] = "WEFT1001";
inline constexpr char kInvalidUtf8[] = "WEFT1002";
inline constexpr char kTabIndentation[] = "WEFT1003";
inline constexpr char kYamlSyntax[] = "WEFT1004";
inline constexpr char kTooDeep[] = "WEFT1005";
inline constexpr char kTooManyNodes[] = "WEFT1006";
inline constexpr char kDuplicateKey[] = "WEFT1007";
inline constexpr char kMultipleDocuments[] = "WEFT1008";
inline constexpr char kUnsupportedScalar[] = "WEFT1009";
inline constexpr char kComplexKey[] = "WEFT1010";
inline constexpr char kEmptyDocument[] = "WEFT1011";
inline constexpr char kUnreadableFile[] = "WEFT1012";

// The document's shape.
inline constexpr char kDslVersion[] = "WEFT1101";
inline constexpr char kUnknownKey[] = "WEFT1102";
inline constexpr char kWrongType[] = "WEFT1103";
inline constexpr char kMissingKey[] = "WEFT1104";
inline constexpr char kInvalidName[] = "WEFT1105";
inline constexpr char kInvalidValue[] = "WEFT1106";
inline constexpr char kInvalidDuration[] = "WEFT1107";
inline constexpr char kStepKind[] = "WEFT1108";
inline constexpr char kConflictingKeys[] = "WEFT1109";

// Names and references.
inline constexpr char kDuplicateStepId[] = "WEFT1201";
inline constexpr char kUnknownStep[] = "WEFT1202";
inline constexpr char kUnknownVariable[] = "WEFT1203";
inline constexpr char kHandlerClash[] = "WEFT1204";
inline constexpr char kUnknownSignal[] = "WEFT1205";
inline constexpr char kUnknownActivity[] = "WEFT1206";
inline constexpr char kReservedName[] = "WEFT1207";
inline constexpr char kDuplicateBranchId[] = "WEFT1208";
// Two files of a catalog folder define the same name and version (dsl/definition_catalog.h).
inline constexpr char kDuplicateDefinition[] = "WEFT1209";

// Temporal constraints.
inline constexpr char kMissingTimeout[] = "WEFT1301";
inline constexpr char kMissingMaxIterations[] = "WEFT1302";
inline constexpr char kUnreachableStep[] = "WEFT1303";

// Expressions as the document uses them.
inline constexpr char kSplicedExpression[] = "WEFT1401";
inline constexpr char kForeignExpressionSyntax[] = "WEFT1402";
inline constexpr char kNotBool[] = "WEFT1403";
inline constexpr char kNotList[] = "WEFT1404";

}  // namespace weft::dsl::codes

#endif  // WEFT_DSL_CODES_H_
