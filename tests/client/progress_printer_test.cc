// ProgressPrinter: progress lines on a terminal (rewritten in place) and elsewhere (one per
// line, no control characters) (runtime/client/progress_printer.h).
#include "runtime/client/progress_printer.h"

#include <catch2/catch.hpp>
#include <sstream>

namespace weft::client {
namespace {

TEST_CASE("elsewhere than a terminal, every line is printed as it is") {
  std::ostringstream out;
  ProgressPrinter printer(out, /*terminal=*/false);
  printer.Print({.text = "… /steps/0 charge", .keep = false});
  printer.Print({.text = "✓ /steps/0 charge 0.4s"});
  printer.Finish();
  CHECK(out.str() == "… /steps/0 charge\n✓ /steps/0 charge 0.4s\n");
}

TEST_CASE("on a terminal, a line not kept is rewritten by the next, or erased at the end") {
  std::ostringstream out;
  ProgressPrinter printer(out, /*terminal=*/true);
  printer.Print({.text = "started", .keep = false});
  printer.Print({.text = "done"});
  CHECK(out.str() == "\r\033[Kstarted\r\033[Kdone\n");
  printer.Print({.text = "waiting", .keep = false});
  printer.Finish();
  CHECK(out.str() == "\r\033[Kstarted\r\033[Kdone\n\r\033[Kwaiting\r\033[K");
  printer.Finish();  // nothing left to erase
  CHECK(out.str().ends_with("waiting\r\033[K"));
}

}  // namespace
}  // namespace weft::client
