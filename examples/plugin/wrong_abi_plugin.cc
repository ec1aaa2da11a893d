// A plugin built for an ABI version weft does not speak: the loader must refuse it by name.

#include "runtime/activity/plugin_abi.h"

extern "C" uint32_t weft_plugin_abi_version(void) { return WEFT_PLUGIN_ABI_VERSION + 41; }

extern "C" int weft_plugin_register(const weft_host*) { return 0; }
