#include "cmd/weft/commands.h"

namespace weft::cli {

void AddActivityCommands(CLI::App&) {}

}  // namespace weft::cli
