package events

import (
	"context"
	"fmt"

	"github.com/alchemiser/alchemiser/emulator/awsapi"
	"github.com/alchemiser/alchemiser/topology"
)

// archive is one of the template's archives, as the API names it.
type archive struct {
	def         *topology.Archive
	name, arn   string
	bus         bus
	description string
}

func (e *Events) archiveOf(def *topology.Archive) (archive, error) {
	name, err := e.top.Resolve("!Ref " + def.LogicalID)
	if err != nil {
		return archive{}, fmt.Errorf("could not name archive %s: %w", def.LogicalID, err)
	}
	arn, err := e.top.Resolve("!GetAtt " + def.LogicalID + ".Arn")
	if err != nil {
		return archive{}, fmt.Errorf("could not name archive %s: %w", def.LogicalID, err)
	}
	return archive{def: def, name: name, arn: arn, bus: e.busByID(def.Bus),
		description: str(e.top.Resources[def.LogicalID].Properties["Description"])}, nil
}

// archiveOf finds an archive by name or ARN.
func (e *Events) archiveNamed(nameOrARN string) (archive, bool) {
	for _, a := range e.archives {
		if a.name == nameOrARN || a.arn == nameOrARN {
			return a, true
		}
	}
	return archive{}, false
}

// stats are the archive's event count and bytes.
func (e *Events) stats(a archive) (count, size int64) {
	for _, ev := range e.bus.Archive().Events(a.def.LogicalID) {
		count++
		size += int64(len(ev.Event))
	}
	return count, size
}

type archiveOut struct {
	ArchiveName    string       `json:"ArchiveName"`
	EventSourceArn string       `json:"EventSourceArn"`
	State          string       `json:"State"`
	RetentionDays  int32        `json:"RetentionDays"`
	SizeBytes      int64        `json:"SizeBytes"`
	EventCount     int64        `json:"EventCount"`
	CreationTime   *awsapi.Time `json:"CreationTime,omitempty"`
}

func (e *Events) out(a archive) archiveOut {
	n, size := e.stats(a)
	return archiveOut{ArchiveName: a.name, EventSourceArn: a.bus.arn, State: "ENABLED", RetentionDays: int32(a.def.RetentionDays),
		SizeBytes: size, EventCount: n, CreationTime: awsapi.At(e.created)}
}

type listArchivesIn struct {
	NamePrefix     string `json:"NamePrefix,omitempty"`
	EventSourceArn string `json:"EventSourceArn,omitempty"`
	State          string `json:"State,omitempty"`
	NextToken      string `json:"NextToken,omitempty"`
	Limit          int32  `json:"Limit,omitempty"`
}

type listArchivesOut struct {
	Archives  []archiveOut `json:"Archives"`
	NextToken string       `json:"NextToken,omitempty"`
}

// listArchives is ListArchives
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListArchives.html).
func (e *Events) listArchives(_ context.Context, in *listArchivesIn) (*listArchivesOut, error) {
	var all []archiveOut
	for _, a := range e.archives {
		if (in.EventSourceArn == "" || in.EventSourceArn == a.bus.arn) && (in.State == "" || in.State == "ENABLED") {
			all = append(all, e.out(a))
		}
	}
	archives, next, err := page(all, func(a archiveOut) string { return a.ArchiveName }, in.NamePrefix, in.NextToken, in.Limit)
	if err != nil {
		return nil, err
	}
	if archives == nil {
		archives = []archiveOut{}
	}
	return &listArchivesOut{Archives: archives, NextToken: next}, nil
}

type describeArchiveIn struct {
	ArchiveName string `json:"ArchiveName"`
}

type describeArchiveOut struct {
	ArchiveArn   string `json:"ArchiveArn"`
	Description  string `json:"Description,omitempty"`
	EventPattern string `json:"EventPattern,omitempty"`
	archiveOut
}

// describeArchive is DescribeArchive
// (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_DescribeArchive.html).
func (e *Events) describeArchive(_ context.Context, in *describeArchiveIn) (*describeArchiveOut, error) {
	if in.ArchiveName == "" {
		return nil, awsapi.Validationf("1 validation error detected: Value null at 'archiveName' failed to satisfy constraint: Member must not be null")
	}
	a, ok := e.archiveNamed(in.ArchiveName)
	if !ok {
		return nil, notFound("Archive %s does not exist.", in.ArchiveName)
	}
	return &describeArchiveOut{ArchiveArn: a.arn, Description: a.description, EventPattern: pattern(a.def.Pattern), archiveOut: e.out(a)}, nil
}
