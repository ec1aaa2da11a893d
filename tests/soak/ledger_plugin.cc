// The soak's activity plugin for `weft worker --plugin`: registers soak.step (soak_step.h),
// writing the ledger named by the environment variable WEFT_SOAK_LEDGER (a plugin has no
// flags of its own; the soak test sets it for the worker it starts). It speaks only the C ABI
// of runtime/activity/plugin_abi.h, as any plugin does.
#include <cstdlib>
#include <memory>
#include <string>

#include "runtime/activity/plugin_abi.h"
#include "tests/soak/soak_step.h"

namespace {

const weft_host* host = nullptr;
std::unique_ptr<weft::soak::LedgerWriter> ledger;

void SoakStep(void*, const char* input, std::size_t size, weft_context* context,
              weft_outcome* outcome) {
  const auto args = nlohmann::json::parse(std::string(input, size), nullptr, false);
  if (args.is_discarded()) {
    host->set_error(outcome, "SoakInput", "soak.step: arguments are not JSON", nullptr, 1, -1);
    return;
  }
  const auto done = weft::soak::RunSoakStep(args, host->attempt(context), *ledger);
  if (done.ok) {
    const std::string text = done.result.dump();
    host->set_result(outcome, text.data(), text.size());
  } else {
    host->set_error(outcome, done.error_type.c_str(), done.message.c_str(), nullptr,
                    done.retryable ? 0 : 1, -1);
  }
}

}  // namespace

extern "C" uint32_t weft_plugin_abi_version(void) { return WEFT_PLUGIN_ABI_VERSION; }

extern "C" int weft_plugin_register(const weft_host* weft) {
  const char* path = std::getenv("WEFT_SOAK_LEDGER");
  if (path == nullptr || *path == '\0') return 1;  // refused: a soak without a ledger
  host = weft;
  ledger = std::make_unique<weft::soak::LedgerWriter>(path);
  return weft->register_activity(weft->host_data, weft::soak::kSoakStepName,
                                 "The chaos soak's step: ledgered, then value*3+add", nullptr,
                                 SoakStep, nullptr);
}
