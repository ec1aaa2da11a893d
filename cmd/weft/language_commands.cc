#include "cmd/weft/commands.h"

namespace weft::cli {

void AddLanguageCommands(CLI::App&) {}

}  // namespace weft::cli
