// Random identifiers: UUIDs (version 4) for request ids and workflow ids, and the per-process
// key a worker identifies its polls with. From std::random_device, never from workflow code:
// the interpreter gets its randomness from the activation.
#ifndef WEFT_RUNTIME_TEMPORAL_RANDOM_ID_H_
#define WEFT_RUNTIME_TEMPORAL_RANDOM_ID_H_

#include <string>

namespace weft::temporal {

std::string NewUuid();

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_RANDOM_ID_H_
