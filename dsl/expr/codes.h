// The stable diagnostic codes of the expression language (docs/expressions.md lists each with an
// example). WEFT20xx: syntax; WEFT21xx: types; WEFT22xx: names and scope; WEFT23xx: evaluation.
// Codes are never renumbered or reused: tools and golden files depend on them.
#ifndef WEFT_DSL_EXPR_CODES_H_
#define WEFT_DSL_EXPR_CODES_H_

namespace weft::dsl::expr::codes {

// Syntax (lexer and parser).
inline constexpr char kUnexpectedCharacter[] = "WEFT2001";
inline constexpr char kUnterminatedString[] = "WEFT2002";
inline constexpr char kInvalidEscape[] = "WEFT2003";
inline constexpr char kInvalidNumber[] = "WEFT2004";
inline constexpr char kUnexpectedToken[] = "WEFT2005";
inline constexpr char kTooDeep[] = "WEFT2006";
inline constexpr char kTooLong[] = "WEFT2007";
inline constexpr char kEmpty[] = "WEFT2008";
inline constexpr char kReservedWord[] = "WEFT2009";
inline constexpr char kInvalidUtf8[] = "WEFT2010";
inline constexpr char kInvalidMacro[] = "WEFT2011";

// Types (checker).
inline constexpr char kOperatorTypes[] = "WEFT2101";
inline constexpr char kArgumentTypes[] = "WEFT2102";
inline constexpr char kArgumentCount[] = "WEFT2103";
inline constexpr char kNoSuchField[] = "WEFT2104";
inline constexpr char kInvalidRegex[] = "WEFT2105";
inline constexpr char kInvalidLiteral[] = "WEFT2106";
inline constexpr char kNotBool[] = "WEFT2107";
inline constexpr char kNotIndexable[] = "WEFT2108";
inline constexpr char kMapKeyType[] = "WEFT2109";

// Names and scope (checker).
inline constexpr char kUnknownName[] = "WEFT2201";
inline constexpr char kUnknownFunction[] = "WEFT2202";
inline constexpr char kRecordedNotAllowed[] = "WEFT2203";

// Evaluation.
inline constexpr char kMissingField[] = "WEFT2301";
inline constexpr char kOutOfRange[] = "WEFT2302";
inline constexpr char kDivisionByZero[] = "WEFT2303";
inline constexpr char kOverflow[] = "WEFT2304";
inline constexpr char kTypeMismatch[] = "WEFT2305";
inline constexpr char kConversion[] = "WEFT2306";
inline constexpr char kStepBudget[] = "WEFT2307";
inline constexpr char kSizeBudget[] = "WEFT2308";
inline constexpr char kUnboundName[] = "WEFT2309";
inline constexpr char kNoRecorder[] = "WEFT2310";
inline constexpr char kNotFinite[] = "WEFT2311";
inline constexpr char kTimeRange[] = "WEFT2312";
inline constexpr char kInternal[] = "WEFT2399";

}  // namespace weft::dsl::expr::codes

#endif  // WEFT_DSL_EXPR_CODES_H_
