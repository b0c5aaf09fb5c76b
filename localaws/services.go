package localaws

import (
	"context"
	"errors"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/cloudformation"
	"github.com/alchemiser/alchemiser/localaws/cloudwatch"
	"github.com/alchemiser/alchemiser/localaws/events"
	"github.com/alchemiser/alchemiser/localaws/lambda"
	"github.com/alchemiser/alchemiser/localaws/logs"
	"github.com/alchemiser/alchemiser/localaws/secretsmanager"
	"github.com/alchemiser/alchemiser/localaws/sqs"
	"github.com/alchemiser/alchemiser/localaws/ssm"
	"github.com/alchemiser/alchemiser/topology"
)

// services are the AWS APIs the endpoint serves, each built on the
// running stack (e.Stack) with the stack's clock (e.now). This is the one
// list: a service is added here, and a service with a loop of its own
// (CloudWatch's alarm evaluation) appends its shutdown to e.stops, which
// Close runs before it closes the stack.
func (e *Endpoint) services(ctx context.Context) ([]awsapi.Service, error) {
	top := e.Stack.Top
	cf, err := cloudformation.New(cloudformation.Config{Topology: top, Template: alchemiser.Template, Now: e.now})
	if err != nil {
		return nil, err
	}
	fn, err := lambda.New(lambda.Config{Topology: top, Functions: e.Stack.Bus, Now: e.now})
	if err != nil {
		return nil, err
	}
	var groups []string
	for _, name := range top.FunctionNames() {
		groups = append(groups, top.Functions[topology.LogicalID(name)].LogGroup)
	}
	lg, err := logs.New(logs.Config{RunDir: e.RunDir, Region: top.Region, AccountID: top.Account, Now: e.now, LogGroups: groups})
	if err != nil {
		return nil, err
	}
	cw, err := cloudwatch.New(cloudwatch.Config{RunDir: e.RunDir, Topology: top, Now: e.now})
	if err != nil {
		return nil, err
	}
	ev, err := events.New(events.Config{Bus: e.Stack.Bus, Now: e.now})
	if err != nil {
		return nil, err
	}
	q, err := sqs.New(sqs.Config{Queues: e.Stack.Queues, Top: top, Endpoint: e.URL, Now: e.now})
	if err != nil {
		return nil, err
	}
	values, err := e.initialParameters(top)
	if err != nil {
		return nil, err
	}
	params, err := ssm.New(ssm.Config{Dir: e.RunDir, Top: top, Now: e.now, Values: values})
	if err != nil {
		return nil, err
	}
	e.params.Store(params)
	secrets, err := secretsmanager.New(secretsmanager.Config{Dir: e.RunDir, Top: top, Now: e.now})
	if err != nil {
		return nil, err
	}
	// DescribeAlarms evaluates up to the clock's minute itself; the loop
	// keeps the states (and their history) current between calls.
	loop, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- cw.Alarms().Run(loop, alarmInterval, e.now) }()
	e.stops = append(e.stops, ev.Close, func() error { stop(); return <-done })
	return []awsapi.Service{cf.Service(), fn.Service(), lg.Service(), cw.Service(), ev.Service(), q.Service(),
		params.Service(), secrets.Service()}, nil
}

// alarmInterval is how often, in real time, the alarms are evaluated
// between requests.
const alarmInterval = 10 * time.Second

// killSwitchParameter is the SSM parameter the execution function reads
// before every plan: its KILL_SWITCH_PARAMETER.
// initialParameters are the SSM values that replace the template's: the
// kill switch "true" with Config.Trading, as after `alchemiser trading
// resume`; none otherwise, so the stack starts halted as a new stack does.
func (e *Endpoint) initialParameters(top *topology.Topology) (map[string]string, error) {
	if !e.cfg.Trading {
		return nil, nil
	}
	name, err := killSwitchParameter(top)
	if err != nil {
		return nil, err
	}
	return map[string]string{name: "true"}, nil
}

func killSwitchParameter(top *topology.Topology) (string, error) {
	name := top.Functions[topology.LogicalID("execution")].Env["KILL_SWITCH_PARAMETER"]
	if name == "" {
		return "", errors.New("the execution function has no KILL_SWITCH_PARAMETER in template.yaml")
	}
	return name, nil
}
