// Conversions between protobuf's Duration and Timestamp and std::chrono, at millisecond
// precision (the precision Temporal's timeouts and timers use).
#ifndef WEFT_RUNTIME_TEMPORAL_PROTO_TIME_H_
#define WEFT_RUNTIME_TEMPORAL_PROTO_TIME_H_

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstdint>

namespace weft::temporal {

inline void SetDuration(google::protobuf::Duration* duration, std::chrono::milliseconds value) {
  duration->set_seconds(value.count() / 1000);
  duration->set_nanos(static_cast<std::int32_t>((value.count() % 1000) * 1'000'000));
}

inline std::chrono::milliseconds ToMillis(const google::protobuf::Duration& duration) {
  return std::chrono::milliseconds(duration.seconds() * 1000 + duration.nanos() / 1'000'000);
}

inline std::chrono::system_clock::time_point ToTimePoint(const google::protobuf::Timestamp& time) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(time.seconds()) + std::chrono::nanoseconds(time.nanos())));
}

// Milliseconds since the Unix epoch; 0 for an unset timestamp.
inline std::int64_t ToUnixMillis(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return 0;
  return std::chrono::duration_cast<std::chrono::milliseconds>(ToTimePoint(time).time_since_epoch())
      .count();
}

inline void SetUnixMillis(google::protobuf::Timestamp* time, std::int64_t ms) {
  time->set_seconds(ms / 1000);
  time->set_nanos(static_cast<std::int32_t>((ms % 1000) * 1'000'000));
}

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_PROTO_TIME_H_
