#include "dsl/definition.h"

namespace weft::dsl {

const char* StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kCall:
      return "call";
    case StepKind::kSet:
      return "set";
    case StepKind::kSwitch:
      return "switch";
    case StepKind::kParallel:
      return "parallel";
    case StepKind::kForeach:
      return "foreach";
    case StepKind::kWhile:
      return "while";
    case StepKind::kWait:
      return "wait";
    case StepKind::kAwait:
      return "await";
    case StepKind::kWorkflow:
      return "workflow";
    case StepKind::kTry:
      return "try";
    case StepKind::kFail:
      return "fail";
    case StepKind::kReturn:
      return "return";
  }
  return "step";
}

}  // namespace weft::dsl
