#include "runtime/embedded/deadline_queue.h"

#include <utility>

namespace weft::embedded {

void DeadlineQueue::Push(Deadline deadline) { heap_.push(std::move(deadline)); }

std::optional<std::int64_t> DeadlineQueue::NextAt() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.top().at_ms;
}

std::optional<Deadline> DeadlineQueue::PopDue(std::int64_t now_ms) {
  if (heap_.empty() || heap_.top().at_ms > now_ms) return std::nullopt;
  Deadline due = heap_.top();
  heap_.pop();
  return due;
}

}  // namespace weft::embedded
