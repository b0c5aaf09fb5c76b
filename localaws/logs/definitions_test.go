package logs

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"gopkg.in/yaml.v3"
)

// templateDefinitions are template.yaml's AWS::Logs::QueryDefinitions,
// read with yaml alone: each LogGroupNames !Ref resolved to its log
// group's LogGroupName, ${AWS::StackName} being alchemiser.
func templateDefinitions(t *testing.T) map[string]types.QueryDefinition {
	t.Helper()
	src, err := os.ReadFile("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string    `yaml:"Type"`
			Properties yaml.Node `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatal(err)
	}
	groupNames := map[string]string{}
	for id, r := range doc.Resources {
		if r.Type != "AWS::Logs::LogGroup" {
			continue
		}
		var p struct {
			LogGroupName string `yaml:"LogGroupName"`
		}
		if err := r.Properties.Decode(&p); err != nil {
			t.Fatal(err)
		}
		groupNames[id] = strings.ReplaceAll(p.LogGroupName, "${AWS::StackName}", "alchemiser")
	}
	out := map[string]types.QueryDefinition{}
	for id, r := range doc.Resources {
		if r.Type != "AWS::Logs::QueryDefinition" {
			continue
		}
		var p struct {
			Name          string   `yaml:"Name"`
			QueryString   string   `yaml:"QueryString"`
			LogGroupNames []string `yaml:"LogGroupNames"` // the !Ref targets
		}
		if err := r.Properties.Decode(&p); err != nil {
			t.Fatal(err)
		}
		d := types.QueryDefinition{Name: aws.String(p.Name), QueryString: aws.String(p.QueryString)}
		for _, ref := range p.LogGroupNames {
			g, ok := groupNames[ref]
			if !ok {
				t.Fatalf("%s: LogGroupNames refers to %s, not a log group", id, ref)
			}
			d.LogGroupNames = append(d.LogGroupNames, g)
		}
		out[p.Name] = d
	}
	if len(out) == 0 {
		t.Fatal("template.yaml declares no query definition")
	}
	return out
}

func TestQueryDefinitionsAreTheTemplates(t *testing.T) {
	c, _ := newClient(t, runDir(t))
	want := templateDefinitions(t)
	var got []types.QueryDefinition
	pages := 0
	in := &cloudwatchlogs.DescribeQueryDefinitionsInput{MaxResults: aws.Int32(5)}
	for {
		out, err := c.DescribeQueryDefinitions(ctx, in)
		if err != nil || pages > len(want) {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		got = append(got, out.QueryDefinitions...)
		if in.NextToken = out.NextToken; in.NextToken == nil {
			break
		}
	}
	if len(got) != len(want) || pages != (len(want)+4)/5 {
		t.Errorf("%d definitions in %d pages, template.yaml has %d", len(got), pages, len(want))
	}
	ids := map[string]bool{}
	for i, d := range got {
		name := aws.ToString(d.Name)
		w, ok := want[name]
		switch {
		case !ok:
			t.Errorf("%s is not in template.yaml", name)
		case aws.ToString(d.QueryString) != aws.ToString(w.QueryString):
			t.Errorf("%s: query\n%q\nwant template.yaml's\n%q", name, aws.ToString(d.QueryString), aws.ToString(w.QueryString))
		case !slices.Equal(d.LogGroupNames, w.LogGroupNames):
			t.Errorf("%s: log groups %v, want %v", name, d.LogGroupNames, w.LogGroupNames)
		}
		if i > 0 && aws.ToString(got[i-1].Name) >= name {
			t.Errorf("%s listed after %s", name, aws.ToString(got[i-1].Name))
		}
		if id := aws.ToString(d.QueryDefinitionId); id == "" || ids[id] {
			t.Errorf("%s: id %q is empty or not unique", name, id)
		}
		ids[aws.ToString(d.QueryDefinitionId)] = true
	}
	out, err := c.DescribeQueryDefinitions(ctx, &cloudwatchlogs.DescribeQueryDefinitionsInput{QueryDefinitionNamePrefix: aws.String("Alchemiser/workflow-")})
	if err != nil || len(out.QueryDefinitions) == 0 || len(out.QueryDefinitions) == len(want) {
		t.Errorf("by prefix: %d of %d, %v", len(out.QueryDefinitions), len(want), err)
	}
	_, err = c.DescribeQueryDefinitions(ctx, &cloudwatchlogs.DescribeQueryDefinitionsInput{MaxResults: aws.Int32(0)})
	wantCode(t, "maxResults 0", err, "InvalidParameterException")
}
