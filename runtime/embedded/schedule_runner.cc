#include "runtime/embedded/schedule_runner.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>
#include <map>

#include "runtime/schedule/workflow_schedules.h"

namespace weft::embedded {
namespace {

constexpr std::int64_t kOneYearMs = 365LL * 24 * 3600 * 1000;
// Times acted on per schedule and tick: a one-second interval after a long stop (within a long
// catch-up window) is worked off over several ticks rather than in one long stall.
constexpr int kTimesPerTick = 1000;

// Where in [0, jitter) the fire of `nominal_ms` falls: the same on every restart, different
// for each time and schedule (FNV-1a over both).
std::int64_t JitterOf(const std::string& key, std::int64_t nominal_ms, std::int64_t jitter_ms) {
  if (jitter_ms <= 0) return 0;
  std::uint64_t hash = 14695981039346656037ULL;
  auto mix = [&hash](unsigned char byte) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  };
  for (char c : key) mix(static_cast<unsigned char>(c));
  for (int shift = 0; shift < 64; shift += 8) mix(static_cast<unsigned char>(nominal_ms >> shift));
  return static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(jitter_ms));
}

bool FailedForPause(RunStatus status) {
  return status == RunStatus::kFailed || status == RunStatus::kTimedOut;
}

}  // namespace

std::string Rfc3339Utc(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::expected<ScheduleRunner, std::string> ScheduleRunner::Open(
    const std::filesystem::path& journal) {
  auto client = JournalClient::Open(journal);
  if (!client) return std::unexpected(client.error());
  return ScheduleRunner(std::move(*client));
}

std::optional<std::int64_t> ScheduleRunner::Tick(
    const std::vector<std::shared_ptr<const dsl::Definition>>& definitions, std::int64_t now_ms) {
  std::map<std::string, std::shared_ptr<const dsl::Definition>> newest;
  for (const auto& definition : definitions) {
    auto& slot = newest[definition->name];
    if (!slot || slot->version <= definition->version) slot = definition;
  }
  auto stored = client_.journal().Schedules();
  if (!stored) {
    spdlog::warn("schedules: {}", stored.error());
    return std::nullopt;
  }
  std::map<std::string, ScheduleRecord> records;
  for (ScheduleRecord& record : *stored) records.emplace(record.key, std::move(record));

  std::optional<std::int64_t> next_fire;
  for (const schedule::WorkflowSchedule& declared : schedule::WorkflowSchedules(definitions)) {
    const dsl::DeclaredSchedule& spec = declared.schedule;
    const std::string key = schedule::ScheduleKey(declared);
    const std::string fingerprint = schedule::DeclarationFingerprint(declared);
    Known& known = known_[key];
    if (known.fingerprint != fingerprint) {
      known.fingerprint = fingerprint;
      auto calendar = schedule::ScheduleCalendar::Make(spec);
      known.calendar.reset();
      if (calendar) {
        known.calendar = std::move(*calendar);
      } else {
        spdlog::warn("schedule {} does not fire: {}", key, calendar.error());
      }
    }
    if (!known.calendar) continue;
    const dsl::Definition& definition = *newest.at(declared.workflow);

    auto found = records.find(key);
    // First seen: it fires from now on, not for the time before it was declared.
    ScheduleRecord record =
        found != records.end()
            ? found->second
            : ScheduleRecord{.key = key, .last_nominal_ms = now_ms, .fingerprint = fingerprint};
    bool dirty = found == records.end();
    if (record.fingerprint != fingerprint) {
      if (!record.paused.empty()) spdlog::info("schedule {}: changed, so no longer paused", key);
      record.fingerprint = fingerprint;
      record.paused.clear();
      dirty = true;
    }

    // The last run: open, or closed now (which may pause the schedule).
    bool open = false;
    if (!record.last_run_id.empty()) {
      auto latest = client_.Latest(record.last_run_id);
      if (latest && !IsClosed(latest->status)) {
        open = true;
      } else {
        if (latest && spec.pause_on_failure && FailedForPause(latest->status)) {
          record.paused =
              "run " + latest->workflow_id + " " + std::string(RunStatusName(latest->status));
          spdlog::warn("schedule {} paused: {} (pause_on_failure)", key, record.paused);
        }
        record.last_run_id.clear();
        dirty = true;
      }
    }
    const bool paused = spec.paused || !record.paused.empty();

    auto start = [&](std::int64_t nominal_ms) {
      ScheduleRecord after = record;
      const std::string workflow_id = key + "-" + Rfc3339Utc(nominal_ms);
      auto created = client_.CreateRun(definition, spec.input, workflow_id,
                                       {write::PutSchedule{.schedule = after}});
      if (!created) {
        spdlog::warn("schedule {}: could not start {}: {}", key, workflow_id, created.error());
        return false;
      }
      // Written again, with the run, below: the transaction above already made the fire
      // durable; the record's next write only adds the run id.
      record.last_run_id = created->run_id;
      open = true;
      dirty = true;
      ++counters_.started;
      spdlog::info("schedule {} started {}", key, workflow_id);
      return true;
    };

    // Starts owed to a buffer, one per closed run.
    if (!open && record.buffered > 0 && !paused) {
      record.buffered -= 1;
      if (!start(now_ms)) record.buffered += 1;
    }

    if (paused) {
      // A paused schedule takes no times; unpaused, it goes on from then, owing none.
      if (record.last_nominal_ms < now_ms) {
        record.last_nominal_ms = now_ms;
        dirty = true;
      }
    } else {
      const std::int64_t window = spec.catchup_window ? spec.catchup_window->count() : kOneYearMs;
      if (now_ms - window > record.last_nominal_ms) {
        // Whatever fell before the window is missed, not owed.
        if (auto missed = known.calendar->Next(record.last_nominal_ms);
            missed && *missed < now_ms - window) {
          ++counters_.missed_catchup;
          spdlog::info("schedule {}: times before {} were missed (catch-up window {} s)", key,
                       Rfc3339Utc(now_ms - window), window / 1000);
        }
        record.last_nominal_ms = now_ms - window;
        dirty = true;
      }
      const std::int64_t jitter = spec.jitter.count();
      for (int acted = 0; acted < kTimesPerTick; ++acted) {
        const std::optional<std::int64_t> nominal = known.calendar->Next(record.last_nominal_ms);
        if (!nominal) break;
        const std::int64_t fire_ms = *nominal + JitterOf(key, *nominal, jitter);
        if (fire_ms > now_ms) {
          if (!next_fire || fire_ms < *next_fire) next_fire = fire_ms;
          break;
        }
        const std::string& overlap = spec.overlap;
        if (!open || overlap == "allow_all") {
          record.last_nominal_ms = *nominal;
          if (!start(*nominal)) break;  // tried again on the next tick
          continue;
        }
        record.last_nominal_ms = *nominal;
        dirty = true;
        if (overlap == "buffer_one" || overlap == "buffer_all" || overlap == "cancel_other") {
          ++counters_.buffered;
          record.buffered = overlap == "buffer_all" ? record.buffered + 1 : 1;
          if (overlap == "cancel_other") {
            if (auto sent = client_.Send(record.last_run_id, "cancel",
                                         "a newer run of schedule " + key, nullptr);
                !sent) {
              spdlog::warn("schedule {}: could not cancel its last run: {}", key, sent.error());
            }
          }
        } else if (overlap == "terminate_other") {
          if (auto sent = client_.Send(record.last_run_id, "terminate",
                                       "a newer run of schedule " + key, nullptr);
              !sent) {
            spdlog::warn("schedule {}: could not terminate its last run: {}", key, sent.error());
          }
          open = false;
          if (!start(*nominal)) break;
        } else {
          ++counters_.overlap_skipped;
          spdlog::info("schedule {}: {} skipped, its last run is still open", key,
                       Rfc3339Utc(*nominal));
        }
      }
    }
    if (dirty) {
      if (auto written = client_.journal().Apply(JournalBatch{write::PutSchedule{record}});
          !written) {
        spdlog::warn("schedule {}: {}", key, written.error());
      }
    }
  }
  return next_fire;
}

}  // namespace weft::embedded
