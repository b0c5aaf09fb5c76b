package awsapi

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// CloudWatch's GetMetricData input, in part: nested lists of structures.
type dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}
type metric struct {
	Namespace  string      `json:"Namespace"`
	MetricName string      `json:"MetricName"`
	Dimensions []dimension `json:"Dimensions"`
}
type metricStat struct {
	Metric metric `json:"Metric"`
	Period int32  `json:"Period"`
	Stat   string `json:"Stat"`
}
type metricDataQuery struct {
	Id         string      `json:"Id"`
	MetricStat *metricStat `json:"MetricStat,omitempty"`
	Expression string      `json:"Expression,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
}
type getMetricDataIn struct {
	MetricDataQueries []metricDataQuery `json:"MetricDataQueries"`
	StartTime         *Time             `json:"StartTime"`
	EndTime           Time              `json:"EndTime"`
	MaxDatapoints     *int32            `json:"MaxDatapoints,omitempty"`
	Threshold         float64           `json:"Threshold"`
	Tags              map[string]string `json:"Tags"`
	Attributes        map[string]metric `json:"Attributes" query:"Attribute,flat,key=Name,value=Value"`
	Names             []string          `json:"Names" query:"Name,flat"`
	Blob              []byte            `json:"Blob"`
	Nested            [][]string        `json:"Nested"`
	Inline
}

// Inline is embedded: its members are the input's own.
type Inline struct {
	Token string `json:"NextToken"`
}

func TestDecodeForm(t *testing.T) {
	form := url.Values{
		"Action":                        {"GetMetricData"},
		"Version":                       {"2010-08-01"},
		"MetricDataQueries.member.1.Id": {"m1"},
		"MetricDataQueries.member.1.MetricStat.Metric.Namespace":                 {"Alchemiser"},
		"MetricDataQueries.member.1.MetricStat.Metric.MetricName":                {"OrdersFilled"},
		"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name":  {"Service"},
		"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value": {"trade"},
		"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name":  {"Stage"},
		"MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value": {"local"},
		"MetricDataQueries.member.1.MetricStat.Period":                           {"60"},
		"MetricDataQueries.member.1.MetricStat.Stat":                             {"Sum"},
		"MetricDataQueries.member.1.ReturnData":                                  {"false"},
		"MetricDataQueries.member.2.Id":                                          {"e1"},
		"MetricDataQueries.member.2.Expression":                                  {"m1 * 2"},
		"StartTime":                                                              {"2026-12-04T14:40:00.250Z"},
		"EndTime":                                                                {"2026-12-04T15:40:00Z"},
		"MaxDatapoints":                                                          {"100"},
		"Threshold":                                                              {"0.5"},
		"Tags.entry.1.key":                                                       {"app"},
		"Tags.entry.1.value":                                                     {"alchemiser"},
		"Attribute.1.Name":                                                       {"a"},
		"Attribute.1.Value.MetricName":                                           {"x"},
		"Name.2":                                                                 {"second"},
		"Name.1":                                                                 {"first"},
		"Blob":                                                                   {"aGk="},
		"Nested.member.1.member.1":                                               {"deep"},
		"NextToken":                                                              {"t"},
		"Unknown.member.1":                                                       {"ignored"},
	}
	var in getMetricDataIn
	root, perr := parseForm(form)
	if perr != nil {
		t.Fatal(perr)
	}
	if err := decodeForm(root, &in); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 4, 14, 40, 0, 250_000_000, time.UTC)
	want := getMetricDataIn{
		MetricDataQueries: []metricDataQuery{
			{Id: "m1", ReturnData: new(bool), MetricStat: &metricStat{Period: 60, Stat: "Sum", Metric: metric{Namespace: "Alchemiser", MetricName: "OrdersFilled",
				Dimensions: []dimension{{"Service", "trade"}, {"Stage", "local"}}}}},
			{Id: "e1", Expression: "m1 * 2"},
		},
		StartTime: At(start), EndTime: Time{start.Add(time.Hour - 250*time.Millisecond)}, MaxDatapoints: ptr[int32](100), Threshold: 0.5,
		Tags:       map[string]string{"app": "alchemiser"},
		Attributes: map[string]metric{"a": {MetricName: "x"}},
		Names:      []string{"first", "second"}, Blob: []byte("hi"), Nested: [][]string{{"deep"}},
		Inline: Inline{Token: "t"},
	}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("decoded\n%+v\nwant\n%+v", in, want)
	}
}

func ptr[T any](v T) *T { return &v }

func TestDecodeFormEmptyCollections(t *testing.T) {
	// The SDKs send an empty list as a bare Name=.
	root, _ := parseForm(url.Values{"MetricDataQueries": {""}, "Tags": {""}, "Name": {""}})
	var in getMetricDataIn
	if err := decodeForm(root, &in); err != nil {
		t.Fatal(err)
	}
	if in.MetricDataQueries == nil || len(in.MetricDataQueries) != 0 || in.Tags == nil || len(in.Tags) != 0 {
		t.Errorf("empty collections %+v", in)
	}
}

func TestDecodeFormErrors(t *testing.T) {
	for _, tc := range []struct {
		form url.Values
		want string
	}{
		{url.Values{"MaxDatapoints": {"many"}}, `value "many" for parameter MaxDatapoints is invalid: not an integer of 32 bits`},
		{url.Values{"MetricDataQueries.member.1.MetricStat.Period": {"6e1"}}, "parameter MetricDataQueries.member.1.MetricStat.Period is invalid"},
		{url.Values{"MetricDataQueries.member.1.ReturnData": {"yes"}}, `value "yes" for parameter MetricDataQueries.member.1.ReturnData is invalid: not true or false`},
		{url.Values{"StartTime": {"yesterday"}}, `parameter StartTime is invalid: timestamp "yesterday" is neither ISO 8601 nor epoch seconds`},
		{url.Values{"Threshold": {"half"}}, "parameter Threshold is invalid: not a number"},
		{url.Values{"Blob": {"!!"}}, "parameter Blob is invalid: not base64"},
		{url.Values{"MetricDataQueries.member.0.Id": {"x"}}, `parameter MetricDataQueries.member.0 is invalid: "0" is not an index from 1`},
		{url.Values{"MetricDataQueries.member.01.Id": {"x"}}, `"01" is not an index from 1`},
		{url.Values{"MetricDataQueries.1.Id": {"x"}}, "a list is written MetricDataQueries.member.N"},
		{url.Values{"MetricDataQueries": {"x"}}, "a list is written MetricDataQueries.member.N"},
		{url.Values{"Tags.entry.1.key": {"k"}}, "parameter Tags.entry.1 is invalid: a map entry needs key and value"},
		{url.Values{"Tags.1.key": {"k"}}, "a map is written Tags.entry.N.key"},
		{url.Values{"MetricDataQueries.member.1.MetricStat": {"x"}}, "a structure, not a value"},
		{url.Values{"Threshold.x": {"1"}}, "a value, not a list or structure"},
	} {
		root, perr := parseForm(tc.form)
		var err error = perr
		if perr == nil {
			err = decodeForm(root, &getMetricDataIn{})
		}
		e, ok := err.(*Error)
		if !ok || e.Code != CodeInvalidParameterValue || !strings.Contains(e.Message, tc.want) {
			t.Errorf("%v: %v, want InvalidParameterValue %q", tc.form, err, tc.want)
		}
	}
	if _, err := parseForm(url.Values{strings.Repeat("a.", 40): {"x"}}); err == nil || err.Code != codeMalformedQuery {
		t.Errorf("a key of 40 parts: %v", err)
	}
}

type attributesOut struct {
	Attributes map[string]string  `json:"Attributes" query:"Attribute,flat,key=Name,value=Value"`
	Tags       map[string]float64 `json:"Tags"`
	Urls       []string           `json:"QueueUrls" query:"QueueUrl,flat"`
	Names      []string           `json:"Names"`
	Empty      []string           `json:"Empty"`
	Skipped    []string           `json:"Skipped,omitempty"`
	Count      int                `json:"Count"`
	Zero       int                `json:"Zero,omitempty"`
	When       *Time              `json:"When"`
	Never      *Time              `json:"Never"`
	OK         bool               `json:"OK"`
	Ratio      float64            `json:"Ratio"`
	Huge       float32            `json:"Huge"`
	Text       string             `json:"Text"`
	Bytes      []byte             `json:"Bytes"`
	Dims       []dimension        `json:"Dims" query:"Dim,flat"`
}

func TestEncodeQueryResponse(t *testing.T) {
	svc := &Service{XMLNamespace: "http://queue.amazonaws.com/doc/2012-11-05/"}
	out := &attributesOut{
		Attributes: map[string]string{"VisibilityTimeout": "30", "DelaySeconds": "0"},
		Tags:       map[string]float64{"b": 2, "a": 1e-7},
		Urls:       []string{"u1", "u2"}, Names: []string{"n"}, Empty: []string{},
		Count: 0, When: At(time.Date(2026, 12, 4, 14, 40, 0, 250_000_000, time.UTC)), OK: true, Ratio: 0.1, Huge: 1e30,
		Text: "a<b>&\"c\"\n", Bytes: []byte("hi"), Dims: []dimension{{"N", "V"}},
	}
	b, err := encodeQueryResponse(svc, "GetQueueAttributes", out)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	got = got[:strings.Index(got, "<RequestId>")] // the request id is random
	want := `<GetQueueAttributesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><GetQueueAttributesResult>` +
		`<Attribute><Name>DelaySeconds</Name><Value>0</Value></Attribute><Attribute><Name>VisibilityTimeout</Name><Value>30</Value></Attribute>` +
		`<Tags><entry><key>a</key><value>1e-07</value></entry><entry><key>b</key><value>2</value></entry></Tags>` +
		`<QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl>` +
		`<Names><member>n</member></Names><Empty></Empty>` +
		`<Count>0</Count><When>2026-12-04T14:40:00.250Z</When><OK>true</OK><Ratio>0.1</Ratio><Huge>1e+30</Huge>` +
		`<Text>a&lt;b&gt;&amp;&#34;c&#34;&#xA;</Text><Bytes>aGk=</Bytes>` +
		`<Dim><Name>N</Name><Value>V</Value></Dim>` +
		`</GetQueueAttributesResult><ResponseMetadata>`
	if got != want {
		t.Errorf("XML\n%s\nwant\n%s", got, want)
	}
}
