#include "tests/temporal/fake_connection.h"

#include <algorithm>
#include <string>

namespace weft::testing {
namespace {

namespace workflowservice = ::temporal::api::workflowservice::v1;

constexpr std::string_view kPollWorkflowTasks = "PollWorkflowTaskQueue";
constexpr std::string_view kPollActivityTasks = "PollActivityTaskQueue";

}  // namespace

FakeConnection::FakeConnection(temporal::ConnectionOptions options)
    : options_(std::move(options)) {}

FakeConnection::~FakeConnection() {
  // A poll still waiting belongs to a worker that never stopped: end it rather than hang.
  EndPolls();
}

void FakeConnection::AddWorkflowTask(const std::string& task_queue, WorkflowTask task) {
  std::lock_guard lock(mutex_);
  tasks_[task_queue].push_back(std::make_unique<WorkflowTask>(std::move(task)));
  MatchPolls();
}

void FakeConnection::AddActivityTask(const std::string& task_queue, ActivityTask task) {
  std::lock_guard lock(mutex_);
  tasks_[task_queue].push_back(std::make_unique<ActivityTask>(std::move(task)));
  MatchPolls();
}

void FakeConnection::SetHistory(const std::string& run_id, History history, int page_size) {
  std::lock_guard lock(mutex_);
  histories_[run_id] = {std::move(history), page_size};
}

void FakeConnection::FailNextCall(const std::string& method_name, grpc::StatusCode code) {
  std::lock_guard lock(mutex_);
  failures_[method_name] = code;
}

void FakeConnection::HoldNextReply(const std::string& method_name) {
  std::lock_guard lock(mutex_);
  ++holds_[method_name];
}

void FakeConnection::ReleaseHeld() {
  std::lock_guard lock(mutex_);
  for (Completion& completion : held_) Complete(std::move(completion));
  held_.clear();
}

void FakeConnection::EndPolls() {
  ReleaseHeld();
  std::lock_guard lock(mutex_);
  polls_ended_ = true;
  for (Poll& poll : polls_) {
    Complete({grpc::Status(grpc::StatusCode::CANCELLED, "the fake server ended the poll"),
              std::move(poll.response), std::move(poll.finish)});
  }
  polls_.clear();
}

bool FakeConnection::WaitForPoll(const std::string& task_queue, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    for (const Poll& poll : polls_) {
      if (poll.task_queue == task_queue) return true;
    }
    return false;
  });
}

grpc::Status FakeConnection::Unary(std::string_view method_name,
                                   const google::protobuf::Message& request,
                                   google::protobuf::Message& response,
                                   grpc::ClientContext& /*context*/,
                                   const StubCall& /*on_stub*/) const {
  std::lock_guard lock(mutex_);
  if (auto failure = Record(method_name, request)) return *failure;
  if (method_name == "GetWorkflowExecutionHistory") {
    const auto& read = As<workflowservice::GetWorkflowExecutionHistoryRequest>(request);
    auto history = histories_.find(read.execution().run_id());
    if (history == histories_.end()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "the fake server has no history of run " + read.execution().run_id());
    }
    // The token is the index of the page's first event: opaque to the worker, as the server's.
    const auto& [events, page_size] = history->second;
    const int first = read.next_page_token().empty() ? 0 : std::stoi(read.next_page_token());
    const int end =
        page_size > 0 ? std::min(first + page_size, events.events_size()) : events.events_size();
    workflowservice::GetWorkflowExecutionHistoryResponse page;
    for (int i = first; i < end; ++i) *page.mutable_history()->add_events() = events.events(i);
    if (end < events.events_size()) page.set_next_page_token(std::to_string(end));
    response.CopyFrom(page);
  }
  return grpc::Status::OK;
}

void FakeConnection::StartUnary(std::string_view method_name,
                                const google::protobuf::Message& request,
                                const google::protobuf::Message& response_type,
                                std::unique_ptr<grpc::ClientContext> context, Finish call_finish,
                                AsyncStubCall /*on_stub*/) const {
  // The context lives until the call finishes, as with gRPC: a caller may cancel it until then
  // (the workflow worker's Stop cancels its polls in flight through their contexts).
  Finish finish = [context = std::move(context), call_finish = std::move(call_finish)](
                      const grpc::Status& status, google::protobuf::Message& response) mutable {
    call_finish(status, response);
  };
  std::lock_guard lock(mutex_);
  std::unique_ptr<google::protobuf::Message> response(response_type.New());
  if (auto failure = Record(method_name, request)) {
    Complete({*failure, std::move(response), std::move(finish)});
    return;
  }
  if (method_name != kPollWorkflowTasks && method_name != kPollActivityTasks) {
    if (auto hold = holds_.find(std::string(method_name)); hold != holds_.end()) {
      if (--hold->second == 0) holds_.erase(hold);
      held_.push_back({grpc::Status::OK, std::move(response), std::move(finish)});
      return;
    }
    Complete({grpc::Status::OK, std::move(response), std::move(finish)});
    return;
  }
  if (polls_ended_) {
    Complete({grpc::Status(grpc::StatusCode::CANCELLED, "the fake server ended the poll"),
              std::move(response), std::move(finish)});
    return;
  }
  std::string task_queue =
      method_name == kPollWorkflowTasks
          ? As<workflowservice::PollWorkflowTaskQueueRequest>(request).task_queue().name()
          : As<workflowservice::PollActivityTaskQueueRequest>(request).task_queue().name();
  polls_.push_back({std::move(task_queue), std::move(response), std::move(finish)});
  MatchPolls();
}

std::optional<grpc::Status> FakeConnection::Record(std::string_view method_name,
                                                   const google::protobuf::Message& request) const {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  sent_.push_back(std::move(copy));
  changed_.notify_all();
  auto failure = failures_.find(std::string(method_name));
  if (failure == failures_.end()) return std::nullopt;
  grpc::Status status(failure->second, "scripted by the test");
  failures_.erase(failure);
  return status;
}

void FakeConnection::MatchPolls() const {
  for (auto poll = polls_.begin(); poll != polls_.end();) {
    auto queued = tasks_.find(poll->task_queue);
    if (queued == tasks_.end() || queued->second.empty()) {
      ++poll;
      continue;
    }
    poll->response->CopyFrom(*queued->second.front());
    queued->second.pop_front();
    Complete({grpc::Status::OK, std::move(poll->response), std::move(poll->finish)});
    poll = polls_.erase(poll);
  }
  changed_.notify_all();
}

void FakeConnection::Complete(Completion completion) const {
  completions_.push_back(std::move(completion));
  if (completing_) return;
  completing_ = true;
  loop_.After(std::chrono::milliseconds(0), [this] { RunCompletions(); });
}

void FakeConnection::RunCompletions() const {
  std::unique_lock lock(mutex_);
  while (!completions_.empty()) {
    Completion completion = std::move(completions_.front());
    completions_.pop_front();
    lock.unlock();  // the continuation calls the fake again
    completion.finish(completion.status, *completion.response);
    lock.lock();
  }
  completing_ = false;
}

const google::protobuf::Message* FakeConnection::NextOf(const google::protobuf::Descriptor& type,
                                                        std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t& place = read_[&type];
  const google::protobuf::Message* found = nullptr;
  changed_.wait_for(lock, timeout, [&] {
    for (; place < sent_.size(); ++place) {
      if (sent_[place]->GetDescriptor() == &type) {
        found = sent_[place++].get();
        return true;
      }
    }
    return false;
  });
  if (found == nullptr) {
    throw std::runtime_error("the workers sent no " + type.name() + " within " +
                             std::to_string(timeout.count()) + " ms");
  }
  return found;
}

std::vector<const google::protobuf::Message*> FakeConnection::SentOf(
    const google::protobuf::Descriptor& type) const {
  std::lock_guard lock(mutex_);
  std::vector<const google::protobuf::Message*> found;
  for (const auto& message : sent_) {
    if (message->GetDescriptor() == &type) found.push_back(message.get());
  }
  return found;
}

}  // namespace weft::testing
