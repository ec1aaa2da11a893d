// The benchmark workflows written with the official Temporal Go SDK (bench/peers/README.md).
//
//	peer -address HOST:PORT -task-queue Q
//
// serves bench-three-steps and bench-long and their activity until SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

type Result struct {
	Value int `json:"value"`
	Step  int `json:"step"`
}

func Step(_ context.Context, value int, number int) (Result, error) {
	return Result{Value: value + number, Step: number}, nil
}

func options(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
}

func BenchThreeSteps(ctx workflow.Context, input map[string]int) (Result, error) {
	ctx = options(ctx)
	result := Result{Value: input["n"]}
	for number := 1; number <= 3; number++ {
		if err := workflow.ExecuteActivity(ctx, "bench.step", result.Value, number).Get(ctx, &result); err != nil {
			return Result{}, err
		}
	}
	return result, nil
}

func BenchLong(ctx workflow.Context, input map[string]int) (map[string]int, error) {
	ctx = options(ctx)
	value := 0
	for i := 0; i < input["rounds"]; i++ {
		var last Result
		if err := workflow.ExecuteActivity(ctx, "bench.step", value, i).Get(ctx, &last); err != nil {
			return nil, err
		}
		value = last.Value
	}
	return map[string]int{"value": value}, nil
}

func main() {
	address := flag.String("address", "localhost:7233", "Temporal frontend")
	taskQueue := flag.String("task-queue", "bench-go", "task queue")
	flag.Parse()
	c, err := client.Dial(client.Options{HostPort: *address})
	if err != nil {
		log.Fatalln("connecting:", err)
	}
	defer c.Close()
	w := worker.New(c, *taskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(BenchThreeSteps, workflow.RegisterOptions{Name: "bench-three-steps"})
	w.RegisterWorkflowWithOptions(BenchLong, workflow.RegisterOptions{Name: "bench-long"})
	w.RegisterActivityWithOptions(Step, activity.RegisterOptions{Name: "bench.step"})
	fmt.Println("polling")
	if err := w.Run(worker.InterruptCh()); err != nil {
		log.Fatalln("worker:", err)
	}
}
