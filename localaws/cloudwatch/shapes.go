package cloudwatch

import "github.com/alchemiser/alchemiser/emulator/awsapi"

// The operations' inputs and outputs, with the members of the CloudWatch
// API reference (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/).
// The query protocol wraps every list in member elements (none is
// flattened), so no member needs a query tag.

// Dimension is a metric's dimension.
type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// DimensionFilter is one of ListMetrics' dimension filters; without a
// Value it matches any value of the dimension.
type DimensionFilter struct {
	Name  string  `json:"Name"`
	Value *string `json:"Value,omitempty"`
}

// Metric names a metric.
type Metric struct {
	Namespace  string      `json:"Namespace,omitempty"`
	MetricName string      `json:"MetricName,omitempty"`
	Dimensions []Dimension `json:"Dimensions,omitempty"`
}

type listMetricsIn struct {
	Namespace      string            `json:"Namespace"`
	MetricName     string            `json:"MetricName"`
	Dimensions     []DimensionFilter `json:"Dimensions"`
	NextToken      string            `json:"NextToken"`
	RecentlyActive string            `json:"RecentlyActive"`
}

type listMetricsOut struct {
	Metrics   []Metric `json:"Metrics"`
	NextToken string   `json:"NextToken,omitempty"`
}

// MetricStat is a metric with the period and statistic to return.
type MetricStat struct {
	Metric Metric `json:"Metric"`
	Period int32  `json:"Period"`
	Stat   string `json:"Stat"`
	Unit   string `json:"Unit,omitempty"`
}

// MetricDataQuery is a metric or an expression, in GetMetricData and in
// a metric-math alarm's Metrics.
type MetricDataQuery struct {
	Id         string      `json:"Id"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	Period     int32       `json:"Period,omitempty"`
	AccountId  string      `json:"AccountId,omitempty"`
}

type getMetricDataIn struct {
	MetricDataQueries []MetricDataQuery `json:"MetricDataQueries"`
	StartTime         *awsapi.Time      `json:"StartTime"`
	EndTime           *awsapi.Time      `json:"EndTime"`
	NextToken         string            `json:"NextToken"`
	ScanBy            string            `json:"ScanBy"`
	MaxDatapoints     int32             `json:"MaxDatapoints"`
}

// MessageData is a message about a query's result.
type MessageData struct {
	Code  string `json:"Code,omitempty"`
	Value string `json:"Value,omitempty"`
}

// MetricDataResult is one query's data points.
type MetricDataResult struct {
	Id         string        `json:"Id"`
	Label      string        `json:"Label,omitempty"`
	Timestamps []awsapi.Time `json:"Timestamps"`
	Values     []float64     `json:"Values"`
	StatusCode string        `json:"StatusCode"`
	Messages   []MessageData `json:"Messages,omitempty"`
}

type getMetricDataOut struct {
	MetricDataResults []MetricDataResult `json:"MetricDataResults"`
	NextToken         string             `json:"NextToken,omitempty"`
	Messages          []MessageData      `json:"Messages,omitempty"`
}

type describeAlarmsIn struct {
	AlarmNames          []string `json:"AlarmNames"`
	AlarmNamePrefix     string   `json:"AlarmNamePrefix"`
	AlarmTypes          []string `json:"AlarmTypes"`
	ChildrenOfAlarmName string   `json:"ChildrenOfAlarmName"`
	ParentsOfAlarmName  string   `json:"ParentsOfAlarmName"`
	StateValue          string   `json:"StateValue"`
	ActionPrefix        string   `json:"ActionPrefix"`
	MaxRecords          int32    `json:"MaxRecords"`
	NextToken           string   `json:"NextToken"`
}

// MetricAlarm is a metric alarm's definition and state.
type MetricAlarm struct {
	AlarmName                          string            `json:"AlarmName"`
	AlarmArn                           string            `json:"AlarmArn"`
	AlarmDescription                   string            `json:"AlarmDescription,omitempty"`
	AlarmConfigurationUpdatedTimestamp *awsapi.Time      `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	ActionsEnabled                     bool              `json:"ActionsEnabled"`
	OKActions                          []string          `json:"OKActions"`
	AlarmActions                       []string          `json:"AlarmActions"`
	InsufficientDataActions            []string          `json:"InsufficientDataActions"`
	StateValue                         string            `json:"StateValue"`
	StateReason                        string            `json:"StateReason,omitempty"`
	StateReasonData                    string            `json:"StateReasonData,omitempty"`
	StateUpdatedTimestamp              *awsapi.Time      `json:"StateUpdatedTimestamp,omitempty"`
	StateTransitionedTimestamp         *awsapi.Time      `json:"StateTransitionedTimestamp,omitempty"`
	MetricName                         string            `json:"MetricName,omitempty"`
	Namespace                          string            `json:"Namespace,omitempty"`
	Statistic                          string            `json:"Statistic,omitempty"`
	Dimensions                         []Dimension       `json:"Dimensions"`
	Period                             int32             `json:"Period,omitempty"`
	EvaluationPeriods                  int32             `json:"EvaluationPeriods"`
	DatapointsToAlarm                  int32             `json:"DatapointsToAlarm,omitempty"`
	Threshold                          float64           `json:"Threshold"`
	ComparisonOperator                 string            `json:"ComparisonOperator"`
	TreatMissingData                   string            `json:"TreatMissingData,omitempty"`
	Metrics                            []MetricDataQuery `json:"Metrics,omitempty"`
}

// CompositeAlarm is a composite alarm's definition and state.
type CompositeAlarm struct {
	AlarmName                          string       `json:"AlarmName"`
	AlarmArn                           string       `json:"AlarmArn"`
	AlarmDescription                   string       `json:"AlarmDescription,omitempty"`
	AlarmRule                          string       `json:"AlarmRule"`
	AlarmConfigurationUpdatedTimestamp *awsapi.Time `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	ActionsEnabled                     bool         `json:"ActionsEnabled"`
	OKActions                          []string     `json:"OKActions"`
	AlarmActions                       []string     `json:"AlarmActions"`
	InsufficientDataActions            []string     `json:"InsufficientDataActions"`
	ActionsSuppressor                  string       `json:"ActionsSuppressor,omitempty"`
	ActionsSuppressorWaitPeriod        int32        `json:"ActionsSuppressorWaitPeriod,omitempty"`
	ActionsSuppressorExtensionPeriod   int32        `json:"ActionsSuppressorExtensionPeriod,omitempty"`
	StateValue                         string       `json:"StateValue"`
	StateReason                        string       `json:"StateReason,omitempty"`
	StateReasonData                    string       `json:"StateReasonData,omitempty"`
	StateUpdatedTimestamp              *awsapi.Time `json:"StateUpdatedTimestamp,omitempty"`
	StateTransitionedTimestamp         *awsapi.Time `json:"StateTransitionedTimestamp,omitempty"`
}

type describeAlarmsOut struct {
	MetricAlarms    []MetricAlarm    `json:"MetricAlarms"`
	CompositeAlarms []CompositeAlarm `json:"CompositeAlarms"`
	NextToken       string           `json:"NextToken,omitempty"`
}

type describeAlarmHistoryIn struct {
	AlarmName       string       `json:"AlarmName"`
	AlarmTypes      []string     `json:"AlarmTypes"`
	HistoryItemType string       `json:"HistoryItemType"`
	StartDate       *awsapi.Time `json:"StartDate"`
	EndDate         *awsapi.Time `json:"EndDate"`
	MaxRecords      int32        `json:"MaxRecords"`
	NextToken       string       `json:"NextToken"`
	ScanBy          string       `json:"ScanBy"`
}

// AlarmHistoryItem is one entry of an alarm's history.
type AlarmHistoryItem struct {
	AlarmName       string       `json:"AlarmName"`
	AlarmType       string       `json:"AlarmType"`
	Timestamp       *awsapi.Time `json:"Timestamp"`
	HistoryItemType string       `json:"HistoryItemType"`
	HistorySummary  string       `json:"HistorySummary"`
	HistoryData     string       `json:"HistoryData"`
}

type describeAlarmHistoryOut struct {
	AlarmHistoryItems []AlarmHistoryItem `json:"AlarmHistoryItems"`
	NextToken         string             `json:"NextToken,omitempty"`
}

type getDashboardIn struct {
	DashboardName string `json:"DashboardName"`
}

type getDashboardOut struct {
	DashboardArn  string `json:"DashboardArn"`
	DashboardBody string `json:"DashboardBody"`
	DashboardName string `json:"DashboardName"`
}

type listDashboardsIn struct {
	DashboardNamePrefix string `json:"DashboardNamePrefix"`
	NextToken           string `json:"NextToken"`
}

// DashboardEntry is a dashboard in ListDashboards.
type DashboardEntry struct {
	DashboardName string       `json:"DashboardName"`
	DashboardArn  string       `json:"DashboardArn"`
	LastModified  *awsapi.Time `json:"LastModified"`
	Size          int64        `json:"Size"`
}

type listDashboardsOut struct {
	DashboardEntries []DashboardEntry `json:"DashboardEntries"`
	NextToken        string           `json:"NextToken,omitempty"`
}
