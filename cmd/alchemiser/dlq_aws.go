package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/spf13/pflag"

	"github.com/alchemiser/alchemiser/app/bus/dlq"
)

// dlqSource is where dlq list, show and redrive find their queues in
// SQS: the stack's dead-letter queues of a kind, or the one --queue-url
// names (which overrides the stack's).
type dlqSource struct {
	aws      awsOptions
	queueURL string
	kind     string
}

func (d *dlqSource) addFlags(fs *pflag.FlagSet) {
	d.aws.addFlags(fs, "CloudFormation stack whose dead-letter queues to use")
	fs.StringVar(&d.kind, "queue", "all", "the stack's queues: events (rule targets' DLQs), on-failure (functions' destinations) or all")
}

// set reports whether the queues are in SQS.
func (d *dlqSource) set() bool { return d.queueURL != "" || d.aws.stack != "" }

// resolve loads the AWS configuration, and the stack when --stack is
// given, and finds the queues.
func (d *dlqSource) resolve(ctx context.Context) (aws.Config, []stackQueue, *stack, error) {
	cfg, err := d.aws.config(ctx)
	if err != nil {
		return cfg, nil, nil, err
	}
	var st *stack
	if d.aws.stack != "" {
		if st, err = d.aws.loadStack(ctx, cfg); err != nil {
			return cfg, nil, nil, err
		}
	}
	if d.queueURL != "" {
		return cfg, []stackQueue{{URL: d.queueURL}}, st, nil
	}
	qs, err := st.queues(d.kind)
	return cfg, qs, st, err
}

// messages are the dead-lettered messages of every queue, left in them.
func (d *dlqSource) messages(ctx context.Context) ([]dlqMessage, error) {
	cfg, qs, _, err := d.resolve(ctx)
	if err != nil {
		return nil, err
	}
	client := sqs.NewFromConfig(cfg)
	var out []dlqMessage
	for _, q := range qs {
		msgs, err := sqsDLQ(ctx, client, q)
		if err != nil {
			return nil, err
		}
		out = append(out, msgs...)
	}
	return out, nil
}

// redrive puts the events of every queue back on the bus: --bus, or
// the stack's.
func (d *dlqSource) redrive(ctx context.Context, bus string, max int, stdout, stderr io.Writer) error {
	cfg, qs, st, err := d.resolve(ctx)
	if err != nil {
		return err
	}
	if bus == "" && st != nil {
		bus = st.Bus
	}
	if bus == "" {
		return usageError{errors.New("no bus to redrive to: give --bus NAME, or --stack NAME of a stack with one")}
	}
	client, eb := sqs.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg)
	var total dlq.Summary
	for _, q := range qs {
		sum, err := dlq.Redrive(ctx, dlq.SQS{Client: client, URL: q.URL}, eb, bus, dlq.WithMax(max-total.Redriven-total.Failed),
			dlq.WithReport(func(o dlq.Outcome) {
				if o.Err != nil {
					fmt.Fprintf(stderr, "message %s: %v\n", o.Message.ID, o.Err)
					return
				}
				fmt.Fprintf(stdout, "redriven %s from %s\n", o.Message.ID, q.Name())
			}))
		if err != nil {
			return err
		}
		total.Redriven, total.Failed = total.Redriven+sum.Redriven, total.Failed+sum.Failed
		if total.Redriven+total.Failed >= max {
			break
		}
	}
	fmt.Fprintf(stdout, "%d redriven, %d failed\n", total.Redriven, total.Failed)
	if total.Failed > 0 {
		return fmt.Errorf("%d message(s) could not be redriven; they stay in the queue", total.Failed)
	}
	return nil
}
