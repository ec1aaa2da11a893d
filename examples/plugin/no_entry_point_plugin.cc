// A shared library that is not a weft plugin: it exports no weft_plugin_register.

#include "runtime/activity/plugin_abi.h"

extern "C" uint32_t weft_plugin_abi_version(void) { return WEFT_PLUGIN_ABI_VERSION; }
