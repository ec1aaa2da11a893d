// The manual clock: it moves only when told, never backwards, tells its listeners, and (when
// asked to) skips to the deadline its driver is idle until.
#include "runtime/run/clock.h"

#include <catch2/catch.hpp>

namespace weft::run {
namespace {

using std::chrono::milliseconds;

TEST_CASE("a manual clock moves only when advanced, and never back") {
  ManualClock clock(1'000);
  CHECK(clock.NowMs() == 1'000);
  clock.Advance(milliseconds(250));
  CHECK(clock.NowMs() == 1'250);
  clock.AdvanceTo(900);
  CHECK(clock.NowMs() == 1'250);
  clock.Idle(5'000);  // not skipping: idleness moves nothing
  CHECK(clock.NowMs() == 1'250);
  CHECK(clock.RealDelayUntil(1'000) == milliseconds(0));
  CHECK(clock.RealDelayUntil(2'000) > milliseconds(0));
}

TEST_CASE("a skipping clock jumps to the deadline its driver is idle until") {
  ManualClock clock(0, /*skip_when_idle=*/true);
  clock.Idle(48LL * 3600 * 1000);
  CHECK(clock.NowMs() == 48LL * 3600 * 1000);
}

TEST_CASE("listeners hear every move until removed") {
  ManualClock clock(0);
  int heard = 0;
  const int handle = clock.OnAdvance([&heard] { ++heard; });
  clock.Advance(milliseconds(1));
  clock.AdvanceTo(0);  // no move, no call
  CHECK(heard == 1);
  clock.RemoveListener(handle);
  clock.Advance(milliseconds(1));
  CHECK(heard == 1);
}

TEST_CASE("the system clock is the wall clock") {
  SystemClock clock;
  const auto now =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  CHECK(std::abs(clock.NowMs() - now) < 1'000);
  CHECK(clock.RealDelayUntil(clock.NowMs() - 10) == milliseconds(0));
}

}  // namespace
}  // namespace weft::run
