// Package localaws runs the local stack as a long-lived process that
// serves the AWS APIs on one endpoint (emulator/awsapi), so that an ops
// command written once on aws-sdk-go-v2, or the AWS CLI, operates the
// local stack when its endpoint URL is set (AWS_ENDPOINT_URL,
// --endpoint-url); `alchemiser local up` is its command.
//
// Up listens on a loopback address (DefaultAddr, 127.0.0.1:4566; port 0
// picks a free one; any other host is refused, since the endpoint takes
// any credentials), builds the local stack (app/local, or a chaos
// scenario's stack with its fault, chaos.Prepare) and the services on it
// (services.go: the one list), and serves them; Endpoint.Run runs the
// workflows; Endpoint.Close stops the schedules and the stack's work in
// flight, lets the requests in progress end, and closes the stack, which
// flushes the run directory's files.
//
// While it runs, the template's schedules fire at their cron times
// (cron(35 9 ? * MON-FRI *) New York for the workflow, every five minutes
// of the session for the watchdog), as EventBridge Scheduler does:
// waits in real time, times read from the stack's clock. A workflow the
// schedule starts this way trades the paper exchange's current session
// (the last one Run traded) under today's trading date; its correlation
// id keeps the time of the last session Run started (the scheduler's ids
// are stamped with the session's 09:35).
//
// Services: CloudFormation (localaws/cloudformation: the stack's outputs
// and resources, how `--stack NAME` resolves names) and Lambda
// (localaws/lambda: Invoke, through the emulator, and GetFunction). The
// kill switch is Config.TradingEnabled, given to the execution function
// (local.WithTradingEnabled), or else the SSM parameter the template
// declares, which starts halted as on a new stack unless Config.Trading.
//
// Time: the services read the stack's clock (Config.Clock, the
// emulator's ScaledClock by default: real time, retry waits scaled by
// local.DefaultTimeScale).
package localaws
