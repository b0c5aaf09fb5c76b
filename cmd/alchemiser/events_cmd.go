package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/alchemiser/alchemiser/emulator/eventpattern"
	"github.com/alchemiser/alchemiser/internal/inputs"
)

func newEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Work with EventBridge events and patterns",
	}
	cmd.AddCommand(newTestPatternCmd())
	return cmd
}

func newTestPatternCmd() *cobra.Command {
	var patternFile, eventFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "test-pattern --pattern FILE --event FILE",
		Short: "Test whether an event pattern matches an event",
		Long: `test-pattern prints true when the EventBridge event pattern in --pattern matches
the event (a whole EventBridge envelope) in --event, and false when it does not,
like aws events test-event-pattern. Either file may be - for standard input.
It uses the same matcher as the local stack's EventBridge emulator.

Arrays of objects match as EventBridge's: the fields of one pattern object must
match within the same element. The event must be valid JSON throughout, fields
the pattern does not read included.

Exit status: 0 with true or false, 2 when the pattern is invalid (what
TestEventPattern answers with InvalidEventPatternException) or the event is not a
valid JSON object (the error names what is wrong and where: a path in the
pattern, a byte offset in the event).`,
		Example: "  alchemiser events test-pattern --pattern rule.json --event event.json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patternFile == "" || eventFile == "" {
				return usageError{fmt.Errorf("--pattern and --event are both required")}
			}
			if patternFile == "-" && eventFile == "-" {
				return usageError{fmt.Errorf("only one of --pattern and --event can be -")}
			}
			src, err := readArg(cmd.InOrStdin(), patternFile)
			if err != nil {
				return usageError{err}
			}
			event, err := readArg(cmd.InOrStdin(), eventFile)
			if err != nil {
				return usageError{err}
			}
			p, err := eventpattern.Compile(src)
			if err != nil {
				return usageError{fmt.Errorf("%s: %w", patternFile, err)}
			}
			ok, err := p.Match(event)
			if err != nil {
				return usageError{fmt.Errorf("%s: %w", eventFile, err)}
			}
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]bool{"result": ok})
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), ok)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&patternFile, "pattern", "", "file holding the event pattern (JSON), or -")
	f.StringVar(&eventFile, "event", "", "file holding the event (JSON), or -")
	f.BoolVar(&asJSON, "json", false, `print {"result": true|false}`)
	return cmd
}

func readArg(stdin io.Reader, name string) ([]byte, error) {
	if name == "-" {
		return inputs.ReadAll(stdin, "standard input", inputs.Event)
	}
	return inputs.ReadFile(name, inputs.Event)
}
