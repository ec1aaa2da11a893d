#include "runtime/client/client_pool.h"

#include <utility>

namespace weft::client {

ClientPool::Lease::~Lease() {
  if (client_) pool_->Return(std::move(client_));
}

std::expected<ClientPool::Lease, ClientError> ClientPool::Acquire() const {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto client = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(client));
    }
  }
  auto client = ConnectClient(options_);  // outside the lock: it opens files or a channel
  if (!client) return std::unexpected(std::move(client.error()));
  return Lease(*this, std::move(*client));
}

std::size_t ClientPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

void ClientPool::Return(std::unique_ptr<WorkflowClient> client) const {
  {
    std::lock_guard lock(mutex_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(std::move(client));
      return;
    }
  }
  // Closed outside the lock (client's destructor).
}

}  // namespace weft::client
