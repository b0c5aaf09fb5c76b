package cloudwatch

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/alchemiser/alchemiser/dashboards"
	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// dashboard is a deployed dashboard: its name and body as the template's
// AWS::CloudWatch::Dashboard resources carry them through !Sub.
type dashboard struct {
	name, body string
}

// subVariable is a ${Name} of a !Sub string.
var subVariable = regexp.MustCompile(`\$\{([^}!]+)\}`)

// dashboardsOf builds package dashboards' dashboards and resolves what
// !Sub would in their names and compact bodies: the template's variables
// (${AWS::Region}, ${AWS::StackName}, ${RunbookBaseUrl}); CloudWatch's
// own (${SUM}) stay.
func dashboardsOf(cfg Config, top *topology.Topology) ([]dashboard, error) {
	all, err := dashboards.All(cfg.Spec)
	if err != nil {
		return nil, fmt.Errorf("could not build the dashboards: %w", err)
	}
	sub := func(s string) string {
		return subVariable.ReplaceAllStringFunc(s, func(v string) string {
			if val, ok := top.Variable(v[2 : len(v)-1]); ok {
				return val
			}
			return v
		})
	}
	var out []dashboard
	for _, d := range all {
		body, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("could not write dashboard %s: %w", d.FileName(), err)
		}
		out = append(out, dashboard{name: sub(d.DashboardName()), body: sub(string(body))})
	}
	slices.SortFunc(out, func(a, b dashboard) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

func (c *CloudWatch) dashboardArn(name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", c.cfg.AccountID, name)
}

// getDashboard: an unknown name is DashboardNotFoundError, whose query
// code is ResourceNotFound.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetDashboard.html
func (c *CloudWatch) getDashboard(_ context.Context, in *getDashboardIn) (*getDashboardOut, error) {
	if in.DashboardName == "" {
		return nil, awsapi.Errorf(codeMissingParameter, "DashboardName is required")
	}
	for _, d := range c.dashboards {
		if d.name == in.DashboardName {
			return &getDashboardOut{DashboardArn: c.dashboardArn(d.name), DashboardBody: d.body, DashboardName: d.name}, nil
		}
	}
	return nil, awsapi.Errorf(codeDashboardNotFound, "Dashboard %s does not exist", in.DashboardName)
}

// listDashboards pages 1000 dashboards at a time, sorted by name.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListDashboards.html
func (c *CloudWatch) listDashboards(_ context.Context, in *listDashboardsIn) (*listDashboardsOut, error) {
	offset, err := readToken("ListDashboards", in.NextToken)
	if err != nil {
		return nil, err
	}
	entries := []DashboardEntry{}
	for _, d := range c.dashboards {
		if strings.HasPrefix(d.name, in.DashboardNamePrefix) {
			entries = append(entries, DashboardEntry{DashboardName: d.name, DashboardArn: c.dashboardArn(d.name),
				LastModified: awsapi.At(c.cfg.Created), Size: int64(len(d.body))})
		}
	}
	out := &listDashboardsOut{}
	out.DashboardEntries, out.NextToken = page("ListDashboards", entries, offset, 1000)
	return out, nil
}
