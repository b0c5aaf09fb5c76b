package alarms

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// RunMetrics are every metric a local run recorded, as CloudWatch would
// hold them: the EMF lines of the functions' log groups
// (RUN/cloudwatch/*.jsonl), the template's metric filters applied to every
// log event, and the platform metrics (AWS/Lambda, AWS/Events, AWS/SQS,
// AWS/Logs) the emulator wrote as EMF to RUN/logs/eventbridge.log.
func RunMetrics(dir string) ([]cwalarm.EMFPoint, error) {
	files, err := filepath.Glob(filepath.Join(dir, "cloudwatch", "*.jsonl"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("%s has no cloudwatch/*.jsonl log groups: is it a run directory of the local stack?", dir)
	}
	var out []cwalarm.EMFPoint
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		err = insights.ReadEvents(f, name, "", func(ev *insights.Event) bool {
			out = append(out, cwalarm.ParseEMF([]byte(ev.Message))...)
			for _, mf := range MetricFilters {
				if p, ok := mf.Apply("Alchemiser", ev.Message, time.UnixMilli(ev.Timestamp)); ok {
					out = append(out, p)
				}
			}
			return true
		})
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	f, err := os.Open(filepath.Join(dir, "logs", "eventbridge.log"))
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, cwalarm.ParseEMF(sc.Bytes())...)
	}
	return out, sc.Err()
}
