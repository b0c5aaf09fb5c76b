package chaos

import (
	"errors"
	"fmt"
	"time"

	alchemiser "github.com/alchemiser/alchemiser"
	"github.com/alchemiser/alchemiser/alarms"
	"github.com/alchemiser/alchemiser/alarms/cwalarm"
	"github.com/alchemiser/alchemiser/topology"
)

// AlarmStates evaluates the template's generated alarms (spec's burn-rate
// and symptom alarms) on the metrics a run recorded in dir
// (alarms.RunMetrics), once a minute from the minute after the first
// metric to 20 minutes after the last and then for as long as an
// incident alarm may hold a notification back (alarms.IncidentHorizon),
// with the symptoms' dimensions resolved to the local stack's names.
func AlarmStates(spec *alarms.Spec, dir string) (map[string][]cwalarm.Sample, error) {
	emf, err := alarms.RunMetrics(dir)
	if err != nil {
		return nil, fmt.Errorf("could not read the run's metrics: %w", err)
	}
	return statesOf(spec, emf)
}

// statesOf evaluates the alarms on metric points, as AlarmStates does on
// a run's.
func statesOf(spec *alarms.Spec, emf []cwalarm.EMFPoint) (map[string][]cwalarm.Sample, error) {
	if len(emf) == 0 {
		return nil, errors.New("the run recorded no metrics")
	}
	from, to := emf[0].At, emf[0].At
	for _, p := range emf {
		if p.At.Before(from) {
			from = p.At
		}
		if p.At.After(to) {
			to = p.At
		}
	}
	top, err := topology.Load("template.yaml", alchemiser.Template, topology.Options{})
	if err != nil {
		return nil, err
	}
	states, err := alarms.GeneratedStates(spec, emf, top.Resolve, from.Truncate(time.Minute).Add(time.Minute), to.Add(20*time.Minute+alarms.IncidentHorizon), time.Minute)
	if err != nil {
		return nil, fmt.Errorf("could not evaluate the alarms: %w", err)
	}
	return states, nil
}

// FiredAlarms are the names of AlarmStates' alarms that reached ALARM,
// sorted.
func FiredAlarms(spec *alarms.Spec, dir string) ([]string, error) {
	states, err := AlarmStates(spec, dir)
	if err != nil {
		return nil, err
	}
	return firedIn(states), nil
}
