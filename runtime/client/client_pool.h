// ClientPool: WorkflowClients connected once and lent out, each to one caller at a time, for a
// server that makes many short calls from many threads (the MCP tools). Connecting a client for
// every call opened the journal each time (SQLite then reads and parses its schema) or, on
// Temporal, a gRPC channel (bench/RESULTS.md, "Runs started over MCP").
//
// A client goes back to the pool when its Lease ends; at most `max_idle` wait there, the rest
// are closed. A client is not checked on its way back: a journal connection and a gRPC channel
// each recover from a failed call by themselves.
//
// Any thread. The pool outlives its leases.
#ifndef WEFT_RUNTIME_CLIENT_CLIENT_POOL_H_
#define WEFT_RUNTIME_CLIENT_CLIENT_POOL_H_

#include <cstddef>
#include <expected>
#include <memory>
#include <mutex>
#include <vector>

#include "runtime/client/connect_client.h"

namespace weft::client {

class ClientPool {
 public:
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    WorkflowClient& operator*() const { return *client_; }
    WorkflowClient* operator->() const { return client_.get(); }

   private:
    friend class ClientPool;
    Lease(const ClientPool& pool, std::unique_ptr<WorkflowClient> client)
        : pool_(&pool), client_(std::move(client)) {}
    const ClientPool* pool_;
    std::unique_ptr<WorkflowClient> client_;
  };

  explicit ClientPool(ClientOptions options, std::size_t max_idle = 256)
      : options_(std::move(options)), max_idle_(max_idle) {}

  const ClientOptions& options() const { return options_; }

  // An idle client, or a new one (ConnectClient's error when it cannot connect). Const: the
  // pool is a cache of connections, which its owner's const calls share.
  std::expected<Lease, ClientError> Acquire() const;

  std::size_t idle() const;  // for tests

 private:
  void Return(std::unique_ptr<WorkflowClient> client) const;

  const ClientOptions options_;
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  mutable std::vector<std::unique_ptr<WorkflowClient>> idle_;
};

}  // namespace weft::client

#endif  // WEFT_RUNTIME_CLIENT_CLIENT_POOL_H_
