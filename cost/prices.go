package cost

// Price is a us-east-1 list price: USD per Per units of Unit.
type Price struct {
	Service string  `json:"service"`
	Item    string  `json:"item"`
	Unit    string  `json:"unit"`
	USD     float64 `json:"usd"`
	Per     float64 `json:"per"`
	// Free is the always-free allowance a month, in Unit, per account (0:
	// none). Prices sharing FreePool share one allowance.
	Free     float64 `json:"free,omitempty"`
	FreePool string  `json:"-"`
	Source   string  `json:"source"`
	AsOf     string  `json:"as_of"` // the date the price was read, YYYY-MM-DD
	// Telemetry marks what the observability kit costs (CloudWatch),
	// as opposed to the workload it observes.
	Telemetry bool `json:"telemetry"`
}

// pricesAsOf is when the prices below were read. The CloudWatch figures
// are the pricing page's, as the project's reference notes record them;
// the others were read from the AWS pricing pages named and confirmed
// against secondary pages quoting them.
const pricesAsOf = "2026-12-05"

const (
	cloudwatchPricing = "https://aws.amazon.com/cloudwatch/pricing/"
	lambdaPricing     = "https://aws.amazon.com/lambda/pricing/"
	eventsPricing     = "https://aws.amazon.com/eventbridge/pricing/"
	dynamoPricing     = "https://aws.amazon.com/dynamodb/pricing/on-demand/"
	s3Pricing         = "https://aws.amazon.com/s3/pricing/"
	secretsPricing    = "https://aws.amazon.com/secrets-manager/pricing/"
	snsPricing        = "https://aws.amazon.com/sns/pricing/"
)

// The prices the estimate uses.
var (
	priceAlarmMetric = Price{Service: "CloudWatch", Item: "metric alarms (per metric read, standard resolution)", Unit: "alarm metric-month",
		USD: 0.10, Per: 1, Free: 10, Source: cloudwatchPricing, Telemetry: true}
	priceHighResAlarmMetric = Price{Service: "CloudWatch", Item: "metric alarms (per metric read, high resolution)", Unit: "alarm metric-month",
		USD: 0.30, Per: 1, Source: cloudwatchPricing, Telemetry: true}
	priceCompositeAlarm = Price{Service: "CloudWatch", Item: "composite alarms", Unit: "alarm-month",
		USD: 0.50, Per: 1, Source: cloudwatchPricing, Telemetry: true}
	priceDashboard = Price{Service: "CloudWatch", Item: "dashboards", Unit: "dashboard-month",
		USD: 3.00, Per: 1, Free: 3, Source: cloudwatchPricing, Telemetry: true}
	priceMetric = Price{Service: "CloudWatch", Item: "custom metrics", Unit: "metric-month",
		USD: 0.30, Per: 1, Free: 10, FreePool: "metrics", Source: cloudwatchPricing, Telemetry: true}
	priceLogsIngest = Price{Service: "CloudWatch", Item: "logs ingestion (standard class)", Unit: "GB",
		USD: 0.50, Per: 1, Free: 5, FreePool: "logs", Source: cloudwatchPricing, Telemetry: true}
	priceLogsStore = Price{Service: "CloudWatch", Item: "logs storage", Unit: "GB-month",
		USD: 0.03, Per: 1, Free: 5, FreePool: "logs", Source: cloudwatchPricing, Telemetry: true}
	priceInsights = Price{Service: "CloudWatch", Item: "Logs Insights scans", Unit: "GB scanned",
		USD: 0.005, Per: 1, Free: 5, FreePool: "logs", Source: cloudwatchPricing, Telemetry: true}
	priceLambdaRequests = Price{Service: "Lambda", Item: "requests", Unit: "request",
		USD: 0.20, Per: 1e6, Free: 1e6, Source: lambdaPricing}
	priceLambdaArm = Price{Service: "Lambda", Item: "compute (arm64)", Unit: "GB-s",
		USD: 0.0000133334, Per: 1, Free: 400000, FreePool: "lambda-gbs", Source: lambdaPricing}
	priceLambdaX86 = Price{Service: "Lambda", Item: "compute (x86_64)", Unit: "GB-s",
		USD: 0.0000166667, Per: 1, Free: 400000, FreePool: "lambda-gbs", Source: lambdaPricing}
	priceEvents = Price{Service: "EventBridge", Item: "custom events published", Unit: "event",
		USD: 1.00, Per: 1e6, Source: eventsPricing}
	priceScheduler = Price{Service: "EventBridge", Item: "Scheduler invocations", Unit: "invocation",
		USD: 1.00, Per: 1e6, Free: 14e6, Source: eventsPricing}
	priceArchive = Price{Service: "EventBridge", Item: "archive (events archived)", Unit: "GB",
		USD: 0.10, Per: 1, Source: eventsPricing}
	priceDynamoWrites = Price{Service: "DynamoDB", Item: "on-demand write request units", Unit: "write request unit",
		USD: 0.625, Per: 1e6, Source: dynamoPricing}
	priceS3Requests = Price{Service: "S3", Item: "PUT requests (claim checks)", Unit: "request",
		USD: 0.005, Per: 1000, Source: s3Pricing}
	priceSecrets = Price{Service: "Secrets Manager", Item: "secrets", Unit: "secret-month",
		USD: 0.40, Per: 1, Source: secretsPricing}
	priceSecretCalls = Price{Service: "Secrets Manager", Item: "API calls", Unit: "call",
		USD: 0.05, Per: 10000, Source: secretsPricing}
	priceSNSPublish = Price{Service: "SNS", Item: "publishes", Unit: "request",
		USD: 0.50, Per: 1e6, Free: 1e6, Source: snsPricing}
	priceSNSEmail = Price{Service: "SNS", Item: "email deliveries", Unit: "notification",
		USD: 2.00, Per: 100000, Free: 1000, Source: snsPricing}
)
