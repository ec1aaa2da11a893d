// CallLoop: unary calls started from any thread and completed on one: a thread of its own
// drives a grpc::CompletionQueue and runs each call's continuation there. The worker's busy
// calls (task polls and the answers to tasks) go through it. With blocking calls, every call
// held a thread that gRPC had to wake when another thread read its answer off the channel;
// here the loop thread reads and completes them all (bench/RESULTS.md, "Worker CPU").
//
// Continuations run on the loop thread, one at a time, and must not block for long: everything
// else waits meanwhile. A call's ClientContext lives until its continuation has returned, so
// its owner may TryCancel() it from any thread until then.
//
// The owner of every continuation must outlive it, and waits for its calls before it goes. The
// destructor waits for every call started, then stops the thread.
#ifndef WEFT_RUNTIME_TEMPORAL_CALL_LOOP_H_
#define WEFT_RUNTIME_TEMPORAL_CALL_LOOP_H_

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace weft::temporal {

class CallLoop {
 public:
  CallLoop();
  ~CallLoop();
  CallLoop(const CallLoop&) = delete;
  CallLoop& operator=(const CallLoop&) = delete;

  // A generated stub's PrepareAsync<Method>.
  template <typename Stub, typename Request, typename Response>
  using PrepareMethod = std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> (Stub::*)(
      grpc::ClientContext*, const Request&, grpc::CompletionQueue*);

  // Starts `method` with `context`; `done(status, response)` runs on the loop thread.
  template <typename Stub, typename Request, typename Response>
  void Start(Stub& stub, PrepareMethod<Stub, Request, Response> method,
             std::unique_ptr<grpc::ClientContext> context, const Request& request,
             std::move_only_function<void(const grpc::Status&, Response&)> done) {
    auto call = std::make_unique<Call<Response>>();
    call->context = std::move(context);
    call->done = std::move(done);
    Started();
    call->reader = (stub.*method)(call->context.get(), request, &queue_);
    call->reader->StartCall();
    auto* tag = call.release();  // owned by the queue until Next() hands it back
    tag->reader->Finish(&tag->response, &tag->status, tag);
  }

  // Runs `task` on the loop thread once `delay` has passed, or sooner after FireTimersNow().
  void After(std::chrono::milliseconds delay, std::move_only_function<void()> task);
  // Makes every pending timer run its task now: how an owner that is stopping stops waiting
  // out a backoff.
  void FireTimersNow();

  // Runs `done(changed)` on the loop thread once `channel` has left `last` (changed: true) or
  // `deadline` has passed (false). Watching a channel on this loop instead of with a blocking
  // WaitForStateChange keeps this thread the process's only gRPC poller: any thread waiting in
  // gRPC may be handed the socket's work and then wake the one the answer is for (measured:
  // a quarter of a worker's CPU and 15 thread switches per run; bench/RESULTS.md).
  void WatchState(grpc::ChannelInterface& channel, grpc_connectivity_state last,
                  std::chrono::system_clock::time_point deadline,
                  std::move_only_function<void(bool changed)> done);

 private:
  struct Completion {
    virtual ~Completion() = default;
    // `ok`: the queue's verdict on the tag (false for a cancelled alarm or an expired watch).
    virtual void Complete(bool ok) = 0;
  };
  template <typename Response>
  struct Call final : Completion {
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;
    Response response;
    grpc::Status status;
    std::move_only_function<void(const grpc::Status&, Response&)> done;
    void Complete(bool /*ok*/) override { done(status, response); }
  };
  struct Timer;
  struct StateWatch;

  void Started();
  void Loop();
  // Waits until every call and timer started so far has run its continuation.
  void Drain();

  grpc::CompletionQueue queue_;
  std::mutex mutex_;
  std::condition_variable drained_;
  int pending_ = 0;
  std::set<Timer*> timers_;  // pending, for FireTimersNow()
  std::thread thread_;
};

}  // namespace weft::temporal

#endif  // WEFT_RUNTIME_TEMPORAL_CALL_LOOP_H_
