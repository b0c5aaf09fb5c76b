package localaws

import (
	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/localaws/cloudformation"
	"github.com/alchemiser/alchemiser/localaws/lambda"
	"github.com/alchemiser/alchemiser/localaws/logs"
	"github.com/alchemiser/alchemiser/topology"
)

// services are the AWS APIs the endpoint serves, each built on the
// running stack (e.Stack) with the stack's clock (e.now). This is the one
// list: a service is added here, and a service with a loop of its own
// (CloudWatch's alarm evaluation) appends its shutdown to e.stops, which
// Close runs before it closes the stack.
//
// Served by the packages beside this one, added here as they land:
// localaws/cloudwatch
// (metrics, alarms and their evaluation loop, dashboards),
// localaws/events (EventBridge), localaws/sqs, localaws/ssm (whose
// kill-switch parameter becomes Config.TradingEnabled) and
// localaws/secretsmanager.
func (e *Endpoint) services() ([]awsapi.Service, error) {
	cf, err := cloudformation.New(cloudformation.Config{Topology: e.Stack.Top, Template: alchemiser.Template, Now: e.now})
	if err != nil {
		return nil, err
	}
	fn, err := lambda.New(lambda.Config{Topology: e.Stack.Top, Functions: e.Stack.Bus, Now: e.now})
	if err != nil {
		return nil, err
	}
	top := e.Stack.Top
	var groups []string
	for _, name := range top.FunctionNames() {
		groups = append(groups, top.Functions[topology.LogicalID(name)].LogGroup)
	}
	lg, err := logs.New(logs.Config{RunDir: e.RunDir, Region: top.Region, AccountID: top.Account, Now: e.now, LogGroups: groups})
	if err != nil {
		return nil, err
	}
	return []awsapi.Service{cf.Service(), fn.Service(), lg.Service()}, nil
}
