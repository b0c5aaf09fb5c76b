package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/dashboards/validate"
	"github.com/spf13/cobra"
)

// maxDashboardBytes bounds what validate reads of a file. CloudWatch does
// not document a limit on DashboardBody; 1 MiB is far above any real
// dashboard (500 widgets) and keeps a wrong file from being read whole.
const maxDashboardBytes = 1 << 20

func newDashboardValidateCmd() *cobra.Command {
	var template string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate [--template template.yaml] [--json] FILE...",
		Short: "Check CloudWatch dashboard bodies before PutDashboard does",
		Long: `validate checks each FILE, a CloudWatch dashboard body (what PutDashboard takes as
DashboardBody), against the Dashboard Body Structure and Syntax and against what
the stack publishes, and prints one line per problem:

  FILE:LINE:COL: widget N ("Title") /json/pointer: message

Structure: valid JSON; the top-level fields (widgets, variables, start, end,
periodOverride); at most 500 widgets of type metric, text, log, alarm or
explorer, each on the 24-column grid (x 0-23, width 1-24, height 1-1000,
x + width <= 24) and overlapping no other; the properties each type documents,
required ones present and no unknown ones; metric rows
[namespace, name, dimension, value, ..., {options}] with "." shorthands and
expression rows; statistics (Average, p99, tm90, TM(10%:90%), ...); periods
(1, 5, 10, 30 or a multiple of 60); ids (lowercase first, unique) and the ids
expressions use; annotations; at most 500 metrics per widget and 2,500 per
dashboard; dashboard variables.

References: every metric (namespace, name and exact dimension set) must be one
the code emits (the metric catalogue as the EMF exporter writes it, the log
metric filters) or AWS publishes for the template's resources; alarm ARNs must
name alarms of --template; a log widget's SOURCE log groups must be declared in
--template, and its query must parse as Logs Insights.

--json prints one JSON object per problem (file, widget, title, path, line,
col, message). Files over 1 MiB are not read.

Exit status: 0 when every file is valid, 1 when a file has problems, 2 when a
file or the template cannot be read or the command line is wrong.`,
		Example: "  alchemiser dashboard validate dashboards/*.json\n" +
			"  alchemiser dashboard validate --template template.yaml --json dashboards/operations.json",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New("validate needs at least one dashboard FILE")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, files []string) error {
			k, err := knownFromTemplate(template)
			if err != nil {
				return usageError{err}
			}
			return validateDashboards(cmd.OutOrStdout(), files, k, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&template, "template", "", "the stack's template: its alarms and log groups (default: the built-in template.yaml)")
	f.BoolVar(&asJSON, "json", false, "one JSON object per problem")
	return cmd
}

// knownFromTemplate is what dashboards may reference, from the template
// at path or the built-in one.
func knownFromTemplate(path string) (validate.Known, error) {
	if path == "" {
		return validate.KnownFromTemplate(builtinTemplate, alchemiser.Template)
	}
	return validate.KnownFromRepo(path)
}

// validateDashboards validates every file it can read, printing the
// problems; unreadable files are a usage error, reported after the rest.
func validateDashboards(out io.Writer, files []string, k validate.Known, asJSON bool) error {
	var unreadable []error
	problems, invalid := 0, 0
	for _, name := range files {
		body, err := readDashboard(name)
		if err != nil {
			unreadable = append(unreadable, err)
			continue
		}
		errs := validate.Validate(name, body, k)
		if len(errs) > 0 {
			problems, invalid = problems+len(errs), invalid+1
		}
		if err := printProblems(out, errs, asJSON); err != nil {
			return err
		}
	}
	switch {
	case len(unreadable) > 0:
		return usageError{errors.Join(unreadable...)}
	case invalid > 0:
		return fmt.Errorf("%s in %d of %d dashboards", countProblems(problems), invalid, len(files))
	}
	return nil
}

// readDashboard reads a file of at most maxDashboardBytes.
func readDashboard(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxDashboardBytes+1))
	if err != nil {
		return nil, fmt.Errorf("could not read %s: %w", name, err)
	}
	if len(body) > maxDashboardBytes {
		return nil, fmt.Errorf("%s is over %d bytes (1 MiB): not a dashboard body", name, maxDashboardBytes)
	}
	return body, nil
}

func printProblems(out io.Writer, errs []validate.Error, asJSON bool) error {
	for _, e := range errs {
		line := e.Error()
		if asJSON {
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			line = string(b)
		}
		if _, err := fmt.Fprintln(out, line); err != nil {
			return err
		}
	}
	return nil
}

func countProblems(n int) string {
	if n == 1 {
		return "1 problem"
	}
	return fmt.Sprintf("%d problems", n)
}
