// FakeConnection: a Connection to no server, on which a unit test plays the Temporal server for
// the workers. The test queues the tasks that polls of a task queue receive (poll responses
// built in code, with canned histories, run_history.h), gives the histories that
// GetWorkflowExecutionHistory serves, and reads back every request the workers sent, in order.
// Every other call gets an empty response, or the error the test scripted for it.
//
// Asynchronous calls complete on the fake's own CallLoop thread, as on a GrpcConnection, and in
// the order the fake received them: an answer recorded before the test hands out the next task
// has completed (its continuation has run) before that task is handled, as on a real server
// where the next task only exists once the answer was taken. A poll waits until a task for its
// queue is added. The fake cannot see a poll's ClientContext cancelled, so a test stops a worker
// with its Stop() and then EndPolls(), as the server ends the polls of a worker that shut down.
//
// Thread-safe: the test thread feeds and reads while the workers call from theirs. A worker must
// have returned from Run() before the fake is destroyed.
#ifndef WEFT_TESTS_TEMPORAL_FAKE_CONNECTION_H_
#define WEFT_TESTS_TEMPORAL_FAKE_CONNECTION_H_

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/temporal/call_loop.h"
#include "runtime/temporal/connection.h"
#include "temporal/api/history/v1/message.pb.h"
#include "temporal/api/workflowservice/v1/request_response.pb.h"

namespace weft::testing {

class FakeConnection final : public temporal::Connection {
 public:
  using WorkflowTask = ::temporal::api::workflowservice::v1::PollWorkflowTaskQueueResponse;
  using ActivityTask = ::temporal::api::workflowservice::v1::PollActivityTaskQueueResponse;
  using History = ::temporal::api::history::v1::History;

  explicit FakeConnection(temporal::ConnectionOptions options = {.identity = "1@fake-host"});
  ~FakeConnection() override;

  const temporal::ConnectionOptions& options() const override { return options_; }
  temporal::CallLoop& loop() const override { return loop_; }

  // The task that the next poll of `task_queue` receives; at once if a poll waits.
  void AddWorkflowTask(const std::string& task_queue, WorkflowTask task);
  void AddActivityTask(const std::string& task_queue, ActivityTask task);
  // The whole history of a run, as GetWorkflowExecutionHistory returns it: in pages of
  // `page_size` events (0: one page), each but the last with the token of the next.
  void SetHistory(const std::string& run_id, History history, int page_size = 0);
  // The next call of `method_name` fails with `code`.
  void FailNextCall(const std::string& method_name, grpc::StatusCode code);
  // The reply to the next call of `method_name` waits until ReleaseHeld(): the window in which
  // a real server has taken an answer and handed out the run's next task while the reply is
  // still on its way to the worker.
  void HoldNextReply(const std::string& method_name);
  void ReleaseHeld();
  // Answers every waiting poll, and every later one, with CANCELLED; releases held replies.
  void EndPolls();

  // The next request of type T that the workers sent, after those Next<T>() returned before;
  // waits up to `timeout` for it and throws std::runtime_error if none comes.
  template <typename T>
  T Next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return As<T>(*NextOf(*T::descriptor(), timeout));
  }
  // Every request of type T sent so far.
  template <typename T>
  std::vector<T> All() const {
    std::vector<T> found;
    for (const auto& message : SentOf(*T::descriptor())) found.push_back(As<T>(*message));
    return found;
  }
  // Waits until a poll of `task_queue` is waiting; false if none comes within `timeout`.
  bool WaitForPoll(const std::string& task_queue,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

 protected:
  grpc::Status Unary(std::string_view method_name, const google::protobuf::Message& request,
                     google::protobuf::Message& response, grpc::ClientContext& context,
                     const StubCall& on_stub) const override;
  void StartUnary(std::string_view method_name, const google::protobuf::Message& request,
                  const google::protobuf::Message& response_type,
                  std::unique_ptr<grpc::ClientContext> context, Finish finish,
                  AsyncStubCall on_stub) const override;

 private:
  struct Poll {
    std::string task_queue;
    std::unique_ptr<google::protobuf::Message> response;
    Finish finish;
  };
  struct Completion {
    grpc::Status status;
    std::unique_ptr<google::protobuf::Message> response;
    Finish finish;
  };

  template <typename T>
  static T As(const google::protobuf::Message& message) {
    T typed;
    typed.CopyFrom(message);  // aborts on a message of another type
    return typed;
  }

  // Records the request; the scripted failure of its method, if any. Holds mutex_.
  std::optional<grpc::Status> Record(std::string_view method_name,
                                     const google::protobuf::Message& request) const;
  // Queues a completion for the loop thread, in order. Holds mutex_.
  void Complete(Completion completion) const;
  // Hands queued tasks to waiting polls. Holds mutex_.
  void MatchPolls() const;
  void RunCompletions() const;
  const google::protobuf::Message* NextOf(const google::protobuf::Descriptor& type,
                                          std::chrono::milliseconds timeout);
  std::vector<const google::protobuf::Message*> SentOf(
      const google::protobuf::Descriptor& type) const;

  temporal::ConnectionOptions options_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  mutable std::vector<std::unique_ptr<google::protobuf::Message>> sent_;  // every request
  std::map<const google::protobuf::Descriptor*, std::size_t> read_;  // Next<T>()'s place in sent_
  mutable std::map<std::string, std::deque<std::unique_ptr<google::protobuf::Message>>> tasks_;
  mutable std::deque<Poll> polls_;  // waiting, oldest first
  mutable bool polls_ended_ = false;
  struct StoredHistory {
    History history;
    int page_size = 0;
  };
  std::map<std::string, StoredHistory> histories_;            // by run id
  mutable std::map<std::string, grpc::StatusCode> failures_;  // by method
  mutable std::map<std::string, int> holds_;                  // by method: replies to hold
  mutable std::vector<Completion> held_;                      // until ReleaseHeld()
  mutable std::deque<Completion> completions_;                // for the loop thread, in order
  mutable bool completing_ = false;  // a RunCompletions() is queued on the loop
  mutable temporal::CallLoop loop_;  // last: it drains before the rest goes
};

}  // namespace weft::testing

#endif  // WEFT_TESTS_TEMPORAL_FAKE_CONNECTION_H_
