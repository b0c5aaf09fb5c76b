package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/alchemiser/alchemiser/dashboards/render"
	"github.com/spf13/cobra"
)

func newDashboardRenderCmd() *cobra.Command {
	var runDir, out, specFile, title string
	var files []string
	cmd := &cobra.Command{
		Use:   "render --run RUN_DIR --out FILE.html [--dashboard FILE.json ...]",
		Short: "Render dashboards with a local run's data into one static HTML page",
		Long: `render draws CloudWatch dashboards with the logs and metrics of a local run (a
run directory of 'alchemiser run') into one self-contained HTML page: inline CSS
and SVG, no script, nothing fetched. Each dashboard is a section; each widget sits
on the 24-column grid where the body puts it. Metric widgets chart the run's
metrics (EMF, metric filters, platform metrics) with their statistics and metric
math; log widgets run their Logs Insights query on the run's log groups; alarm
widgets show the state of the alarms the template generates (alarms/slos.yaml),
evaluated on the run's metrics. ${AWS::StackName}, ${AWS::Region},
${AWS::AccountId} and template parameters take the local stack's values.

A run lasts seconds, so a chart uses a shorter period than its widget's when the
run does not span enough of them; the page states the rule and each chart its
period. What cannot be computed locally (a metric-math function the alarms'
evaluator lacks, another widget type) is said on the widget, and a widget
without data says "no data in this run".

--dashboard is repeatable; the default is the stack's dashboards,
dashboards/operations.json and dashboards/investigation.json (relative to the
working directory, as --spec is).

Exit status: 0 when the page is written, 1 when the run cannot be read or the page
written, 2 on bad usage or an unreadable dashboard or spec.`,
		Example: "  alchemiser run --workflows 5 --dir runs/demo\n" +
			"  alchemiser dashboard render --run runs/demo --out preview.html\n" +
			"  alchemiser dashboard render --run runs/demo --out ops.html --dashboard dashboards/operations.json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runDir == "" || out == "" {
				return usageError{errors.New("render needs --run RUN_DIR and --out FILE.html")}
			}
			ds, err := builtinDashboards()
			if err != nil {
				return err
			}
			if len(files) > 0 {
				ds = nil
			}
			for _, f := range files {
				d, err := render.ReadDashboard(f)
				if err != nil {
					return usageError{err}
				}
				ds = append(ds, d)
			}
			spec, err := loadSpec(specFile)
			if err != nil {
				return usageError{fmt.Errorf("--spec: %w", err)}
			}
			page, err := render.New(render.Config{RunDir: runDir, Dashboards: ds, Spec: spec, Title: title})
			if err != nil {
				return err
			}
			if err := writePage(out, page); err != nil {
				return err
			}
			widgets, withData := 0, 0
			for _, s := range page.Sections {
				for _, w := range s.Widgets {
					widgets++
					if w.HasData() {
						withData++
					}
				}
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %d dashboard(s), %d widget(s), %d with data in this run\n", out, len(page.Sections), widgets, withData)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&runDir, "run", "", "run directory of the local stack")
	f.StringVar(&out, "out", "", "HTML file to write")
	f.StringArrayVar(&files, "dashboard", nil, "dashboard body JSON (repeatable); default: the stack's dashboards, built in")
	f.StringVar(&specFile, "spec", "", "SLO spec whose generated alarms the alarm widgets show (default: the built-in alarms/slos.yaml)")
	f.StringVar(&title, "title", "", "page title")
	return cmd
}

// writePage writes the page beside its destination and renames it into
// place, so a reader never sees half a page.
func writePage(path string, page *render.Page) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".render-*.html")
	if err != nil {
		return fmt.Errorf("could not write the page: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := page.WriteHTML(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("could not write the page: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("could not write the page: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("could not write the page: %w", err)
	}
	return nil
}

// previewRun renders the stack's dashboards (built in) with the run's
// data into RUN_DIR/dashboard.html and says how to open it.
func previewRun(w io.Writer, runDir string) error {
	out := filepath.Join(runDir, "dashboard.html")
	ds, err := builtinDashboards()
	if err != nil {
		return fmt.Errorf("dashboard preview: %w", err)
	}
	spec, err := loadSpec("")
	if err != nil {
		return fmt.Errorf("dashboard preview: %w", err)
	}
	page, err := render.New(render.Config{RunDir: runDir, Dashboards: ds, Spec: spec})
	if err == nil {
		err = writePage(out, page)
	}
	if err != nil {
		return fmt.Errorf("dashboard preview: %w", err)
	}
	abs, _ := filepath.Abs(out)
	_, err = fmt.Fprintf(w, "dashboard preview: open file://%s in a browser (the operations and investigation dashboards with this run's metrics, logs and alarms)\n", abs)
	return err
}
