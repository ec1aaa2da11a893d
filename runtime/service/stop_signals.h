// SIGINT and SIGTERM for the long-running commands (`weft worker`, `serve`, `ui`,
// `codec-server`, through run_service.h): blocked in every thread, and taken by the main thread
// alone in WaitForStopSignal(), so that a signal never interrupts a call or an activity and the
// command shuts down in one place.
//
// BlockStopSignals() must be called on the main thread before any other thread starts (gRPC's,
// Lua's, ours): threads inherit the mask.
#ifndef WEFT_RUNTIME_SERVICE_STOP_SIGNALS_H_
#define WEFT_RUNTIME_SERVICE_STOP_SIGNALS_H_

namespace weft::service {

void BlockStopSignals();
// Returns the signal's name ("SIGINT", "SIGTERM") once one arrives.
const char* WaitForStopSignal();

}  // namespace weft::service

#endif  // WEFT_RUNTIME_SERVICE_STOP_SIGNALS_H_
