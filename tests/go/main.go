// The Go side of weft's interop tests, written with the official Go SDK (go.temporal.io/sdk):
// a worker and a client that drive weft workflows the way a Go user's code does. Built by the
// Go toolchain from CMake; run by tests/temporal/go_interop_test.cc against a dev server.
//
// Usage:
//
//	weft-go-interop worker <address> <task-queue>
//	    Serves the workflows go-parent-of-weft and go-fails and the activities Reserve, Flaky,
//	    Decline and Waits on <task-queue>. Prints "ready" once it polls; serves until killed.
//	weft-go-interop client <address> <scenario> <json-argument>
//	    Prints one JSON object: what Go saw. Scenarios:
//	      drive   {"workflow", "task_queue"}: start a weft workflow by name, query it, update it
//	              (accepted, then refused by its validator), signal it and read its result
//	      parent  {"go_queue", "child": {"workflow", "input", "task_queue", "id", "signal"}}:
//	              run go-parent-of-weft, which runs the weft child; its report, and the failure
//	              the weft child recorded in its own history, read as protobuf
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Order is a typed activity input with integers: a weft workflow sends JSON numbers, which
// must decode into these int fields as they would from any Go caller.
type Order struct {
	Sku        string `json:"sku"`
	Quantity   int    `json:"quantity"`
	PriceCents int    `json:"price_cents"`
}

type Reservation struct {
	Sku        string `json:"sku"`
	TotalCents int    `json:"total_cents"`
}

func Reserve(_ context.Context, order Order) (Reservation, error) {
	return Reservation{Sku: order.Sku, TotalCents: order.Quantity * order.PriceCents}, nil
}

// Flaky fails with a retryable error on its first two attempts, then returns the attempt.
func Flaky(ctx context.Context) (int, error) {
	attempt := int(activity.GetInfo(ctx).Attempt)
	if attempt < 3 {
		return 0, temporal.NewApplicationError(fmt.Sprintf("attempt %d failed", attempt), "Flaky")
	}
	return attempt, nil
}

// Decline fails with a non-retryable error of type CardDeclined, with details.
func Decline(_ context.Context, order Order) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("card declined for %d cents", order.Quantity*order.PriceCents), "CardDeclined",
		nil, map[string]any{"sku": order.Sku})
}

// Waits heartbeats until it is cancelled, and says so on stdout, which the test reads.
func Waits(ctx context.Context) (string, error) {
	for beats := 1; ; beats++ {
		activity.RecordHeartbeat(ctx, beats)
		select {
		case <-ctx.Done():
			fmt.Printf("Waits: cancelled after %d heartbeats (%v)\n", beats, ctx.Err())
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// GoFails is a Go workflow that fails, for a weft parent to run as its child.
func GoFails(_ workflow.Context, _ any) error {
	return temporal.NewNonRetryableApplicationError("the Go child broke", "GoBroken", nil,
		map[string]any{"why": "on purpose"})
}

type ChildSpec struct {
	Workflow  string          `json:"workflow"`
	Input     json.RawMessage `json:"input"`
	TaskQueue string          `json:"task_queue"`
	ID        string          `json:"id"`
	// A signal the parent sends the child once it has started: {"name", "payload"}.
	Signal *struct {
		Name    string          `json:"name"`
		Payload json.RawMessage `json:"payload"`
	} `json:"signal"`
}

type ParentReport struct {
	Result any              `json:"result"`
	Error  []map[string]any `json:"error"` // the error chain as the Go SDK types it, outermost first
}

// ParentOfWeft runs a weft workflow as its child, by name, and reports how it ended.
func ParentOfWeft(ctx workflow.Context, spec ChildSpec) (ParentReport, error) {
	ctx = workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID: spec.ID, TaskQueue: spec.TaskQueue, WorkflowExecutionTimeout: time.Minute})
	var input any
	if err := json.Unmarshal(spec.Input, &input); err != nil {
		return ParentReport{}, err
	}
	child := workflow.ExecuteChildWorkflow(ctx, spec.Workflow, input)
	if spec.Signal != nil {
		if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return ParentReport{Error: ErrorChain(err)}, nil
		}
		var payload any
		if err := json.Unmarshal(spec.Signal.Payload, &payload); err != nil {
			return ParentReport{}, err
		}
		if err := child.SignalChildWorkflow(ctx, spec.Signal.Name, payload).Get(ctx, nil); err != nil {
			return ParentReport{}, err
		}
	}
	var result any
	if err := child.Get(ctx, &result); err != nil {
		return ParentReport{Error: ErrorChain(err)}, nil
	}
	return ParentReport{Result: result}, nil
}

// ErrorChain lists an error and its causes with the fields the Go SDK gives each type.
func ErrorChain(err error) []map[string]any {
	var chain []map[string]any
	for err != nil {
		level := map[string]any{"message": err.Error()}
		var child *temporal.ChildWorkflowExecutionError
		var act *temporal.ActivityError
		var app *temporal.ApplicationError
		var canceled *temporal.CanceledError
		var timeout *temporal.TimeoutError
		switch {
		case errors.As(err, &child) && any(child) == any(err):
			level["kind"] = "ChildWorkflowExecutionError"
			level["workflow_type"] = child.WorkflowType()
			level["workflow_id"] = child.WorkflowID()
			level["initiated_event_id"] = child.InitiatedEventID()
			level["started_event_id"] = child.StartedEventID()
			level["retry_state"] = retryStateName(child.RetryState())
		case errors.As(err, &act) && any(act) == any(err):
			level["kind"] = "ActivityError"
			level["activity_type"] = act.ActivityType().GetName()
			level["activity_id"] = act.ActivityID()
			level["scheduled_event_id"] = act.ScheduledEventID()
			level["started_event_id"] = act.StartedEventID()
			level["identity"] = act.Identity()
			level["retry_state"] = retryStateName(act.RetryState())
		case errors.As(err, &app) && any(app) == any(err):
			level["kind"] = "ApplicationError"
			level["type"] = app.Type()
			level["message"] = app.Message()
			level["non_retryable"] = app.NonRetryable()
			if app.HasDetails() {
				var details any
				if app.Details(&details) == nil {
					level["details"] = details
				}
			}
		case errors.As(err, &canceled) && any(canceled) == any(err):
			level["kind"] = "CanceledError"
		case errors.As(err, &timeout) && any(timeout) == any(err):
			level["kind"] = "TimeoutError"
		default:
			level["kind"] = fmt.Sprintf("%T", err)
		}
		chain = append(chain, level)
		err = errors.Unwrap(err)
	}
	return chain
}

// retryStateName is the enum value's proto name (RETRY_STATE_NON_RETRYABLE_FAILURE), as proto
// JSON and every SDK spell it; String() gives a shorter Go spelling.
func retryStateName(state enumspb.RetryState) string {
	return enumspb.RetryState_name[int32(state)]
}

// FailureLevels lists a Failure proto and its causes as the server stores them: each level's
// source, its info kind and that info's fields.
func FailureLevels(failure *failurepb.Failure) []map[string]any {
	var levels []map[string]any
	for ; failure != nil; failure = failure.GetCause() {
		level := map[string]any{"message": failure.GetMessage(), "source": failure.GetSource()}
		if info := failure.GetActivityFailureInfo(); info != nil {
			level["kind"] = "activity"
			level["scheduled_event_id"] = info.GetScheduledEventId()
			level["started_event_id"] = info.GetStartedEventId()
			level["identity"] = info.GetIdentity()
			level["activity_type"] = info.GetActivityType().GetName()
			level["retry_state"] = retryStateName(info.GetRetryState())
		} else if info := failure.GetChildWorkflowExecutionFailureInfo(); info != nil {
			level["kind"] = "child"
			level["initiated_event_id"] = info.GetInitiatedEventId()
			level["started_event_id"] = info.GetStartedEventId()
			level["workflow_type"] = info.GetWorkflowType().GetName()
			level["workflow_id"] = info.GetWorkflowExecution().GetWorkflowId()
			level["retry_state"] = retryStateName(info.GetRetryState())
		} else if info := failure.GetApplicationFailureInfo(); info != nil {
			level["kind"] = "application"
			level["type"] = info.GetType()
			level["non_retryable"] = info.GetNonRetryable()
		}
		levels = append(levels, level)
	}
	return levels
}

// RecordedFailure reads the failure a run closed with from its history.
func RecordedFailure(ctx context.Context, c client.Client, workflowID string) []map[string]any {
	events := c.GetWorkflowHistory(ctx, workflowID, "", false,
		enumspb.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT)
	for events.HasNext() {
		event, err := events.Next()
		if err != nil {
			return []map[string]any{{"error": err.Error()}}
		}
		if failed := event.GetWorkflowExecutionFailedEventAttributes(); failed != nil {
			return FailureLevels(failed.GetFailure())
		}
	}
	return nil
}

func Drive(ctx context.Context, c client.Client, workflowName, queue string) (map[string]any, error) {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: fmt.Sprintf("go-drives-weft-%d", time.Now().UnixNano()), TaskQueue: queue},
		workflowName, map[string]any{"start": 2})
	if err != nil {
		return nil, err
	}
	seen := map[string]any{}
	query := func(key string) error {
		value, err := c.QueryWorkflow(ctx, run.GetID(), "", "total")
		if err != nil {
			return err
		}
		var total int
		if err := value.Get(&total); err != nil {
			return err
		}
		seen[key] = total
		return nil
	}
	if err := query("initial"); err != nil {
		return nil, err
	}
	update := func(amount int) (map[string]any, error) {
		handle, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: run.GetID(), UpdateName: "add_and_get", Args: []any{amount},
			WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			return nil, err
		}
		var result map[string]any
		err = handle.Get(ctx, &result)
		return result, err
	}
	result, err := update(5)
	if err != nil {
		return nil, err
	}
	seen["update"] = result
	if err := query("after_update"); err != nil {
		return nil, err
	}
	if _, err := update(-1); err != nil {
		seen["rejected"] = ErrorChain(err)
	} else {
		seen["rejected"] = nil
	}
	if err := query("after_rejection"); err != nil {
		return nil, err
	}
	if _, err := c.QueryWorkflow(ctx, run.GetID(), "", "no_such_query"); err != nil {
		seen["unknown_query"] = err.Error()
	}
	if err := c.SignalWorkflow(ctx, run.GetID(), "", "finish", nil); err != nil {
		return nil, err
	}
	var final any
	if err := run.Get(ctx, &final); err != nil {
		return nil, err
	}
	seen["result"] = final
	return seen, nil
}

func Parent(ctx context.Context, c client.Client, goQueue string, spec ChildSpec) (map[string]any, error) {
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "go-parent-" + spec.ID, TaskQueue: goQueue}, ParentOfWeft, spec)
	if err != nil {
		return nil, err
	}
	var report ParentReport
	if err := run.Get(ctx, &report); err != nil {
		return nil, err
	}
	seen := map[string]any{"result": report.Result, "error": report.Error}
	if report.Error != nil {
		seen["recorded"] = RecordedFailure(ctx, c, spec.ID)
	}
	return seen, nil
}

func connect(address string) client.Client {
	c, err := client.Dial(client.Options{HostPort: address})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot connect:", err)
		os.Exit(1)
	}
	return c
}

func serve(address, queue string) {
	c := connect(address)
	defer c.Close()
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(ParentOfWeft, workflow.RegisterOptions{Name: "go-parent-of-weft"})
	w.RegisterWorkflowWithOptions(GoFails, workflow.RegisterOptions{Name: "go-fails"})
	for name, fn := range map[string]any{"Reserve": Reserve, "Flaky": Flaky, "Decline": Decline,
		"Waits": Waits} {
		w.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "cannot start the worker:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	select {}
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: weft-go-interop worker <address> <task-queue> | "+
			"client <address> <scenario> <json-argument>")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "worker":
		serve(os.Args[2], os.Args[3])
	case "client":
		if len(os.Args) < 5 {
			os.Exit(2)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		c := connect(os.Args[2])
		defer c.Close()
		var seen map[string]any
		var err error
		switch os.Args[3] {
		case "drive":
			var arg struct {
				Workflow  string `json:"workflow"`
				TaskQueue string `json:"task_queue"`
			}
			if err = json.Unmarshal([]byte(os.Args[4]), &arg); err == nil {
				seen, err = Drive(ctx, c, arg.Workflow, arg.TaskQueue)
			}
		case "parent":
			var arg struct {
				GoQueue string    `json:"go_queue"`
				Child   ChildSpec `json:"child"`
			}
			if err = json.Unmarshal([]byte(os.Args[4]), &arg); err == nil {
				seen, err = Parent(ctx, c, arg.GoQueue, arg.Child)
			}
		default:
			err = errors.New("unknown scenario " + os.Args[3])
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, strings.TrimSpace(err.Error()))
			os.Exit(1)
		}
		out, _ := json.Marshal(seen)
		fmt.Println(string(out))
	default:
		os.Exit(2)
	}
}
