package alarms

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/queries/insights"
)

// RunMetrics are every metric a local run recorded, as CloudWatch would
// hold them: the EMF lines of the functions' log groups
// (RUN/cloudwatch/*.jsonl, read by insights.RunDirEvents), the template's
// metric filters applied to every log event, and the platform metrics
// (AWS/Lambda, AWS/Events, AWS/SQS, AWS/Logs) the emulator wrote as EMF
// to RUN/logs/eventbridge.log.
func RunMetrics(dir string) ([]cwalarm.EMFPoint, error) {
	var out []cwalarm.EMFPoint
	err := insights.RunDirEvents(dir, nil, func(ev *insights.Event) bool {
		out = append(out, cwalarm.ParseEMF([]byte(ev.Message))...)
		for _, mf := range MetricFilters {
			if p, ok := mf.Apply("Alchemiser", ev.Message, time.UnixMilli(ev.Timestamp)); ok {
				out = append(out, p)
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	platform, err := platformMetrics(filepath.Join(dir, "logs", "eventbridge.log"))
	return append(out, platform...), err
}

// platformMetrics reads the emulator's EMF lines; a run without them has
// none.
func platformMetrics(name string) ([]cwalarm.EMFPoint, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []cwalarm.EMFPoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, cwalarm.ParseEMF(sc.Bytes())...)
	}
	return out, sc.Err()
}
