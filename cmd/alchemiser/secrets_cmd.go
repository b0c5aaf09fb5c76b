package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// paperBaseURL is Alpaca's paper-trading API, the default base_url.
const paperBaseURL = "https://paper-api.alpaca.markets"

// maxCredentialsInput bounds what set-alpaca reads from stdin.
const maxCredentialsInput = 64 << 10

func newSecretsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Store the stack's secrets (the Alpaca credentials)",
		Long: `secrets writes the secrets a deployed stack reads, without putting them on a
command line, in the environment or in a shell's history.`,
	}
	cmd.AddCommand(newSetAlpacaCmd())
	return cmd
}

type setAlpacaFlags struct {
	aws     awsOptions
	baseURL string
	asJSON  bool
}

func newSetAlpacaCmd() *cobra.Command {
	var f setAlpacaFlags
	cmd := &cobra.Command{
		Use:   "set-alpaca --stack STACK [--base-url URL] [--json]",
		Short: "Store the Alpaca API key id and secret in the stack's secret",
		Long: `set-alpaca writes the Alpaca API key id and secret key to the stack's Secrets
Manager secret (template.yaml's AlpacaCredentials, found through CloudFormation)
as {"key_id", "secret_key", "base_url"}, with PutSecretValue: a new version,
labelled AWSCURRENT. The functions read it at their next cold start.

The keys never come from the command line or the environment. On a terminal,
set-alpaca prompts for them without echo; otherwise it reads stdin: two lines
(the key id, then the secret key) or one JSON object {"key_id", "secret_key"}
(base_url and data_url too, optionally). base_url is --base-url, or the
object's, or Alpaca's paper API (` + paperBaseURL + `): trading real money
is a deliberate --base-url https://api.alpaca.markets.

It prints the secret's ARN, the new version and the key id's last four
characters, never the secret key; --json prints them as one object
{"secret", "version_id", "key_id", "base_url"}.

Exit status: 0; 1 when CloudFormation or Secrets Manager fails; 2 on bad usage
or input (no --stack, a missing key, a base URL that is not https).`,
		Example: "  alchemiser secrets set-alpaca --stack alchemiser-dev\n" +
			"  printf '%s\\n%s\\n' \"$KEY_ID\" \"$SECRET\" | alchemiser secrets set-alpaca --stack alchemiser-dev   # from a script",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return setAlpaca(cmd, f) },
	}
	f.aws.addFlags(cmd.Flags(), "stack whose Alpaca secret to write (required)")
	cmd.Flags().StringVar(&f.baseURL, "base-url", "", "Alpaca trading API base URL (default: the input's base_url, else "+paperBaseURL+")")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, `one JSON object: {"secret", "version_id", "key_id", "base_url"}`)
	return cmd
}

// alpacaCredentials are the secret's JSON, as the functions read it
// (app/functions/internal/wiring).
type alpacaCredentials struct {
	KeyID     string `json:"key_id"`
	SecretKey string `json:"secret_key"`
	BaseURL   string `json:"base_url"`
	DataURL   string `json:"data_url,omitempty"`
}

func setAlpaca(cmd *cobra.Command, f setAlpacaFlags) error {
	if f.aws.stack == "" {
		return usageError{errors.New("set-alpaca needs --stack STACK, the deployed stack whose secret to write")}
	}
	creds, err := readAlpacaCredentials(cmd.InOrStdin(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if err := creds.withBaseURL(f.baseURL); err != nil {
		return err
	}
	ctx := cmd.Context()
	cfg, err := f.aws.config(ctx)
	if err != nil {
		return err
	}
	st, err := f.aws.loadStack(ctx, cfg)
	if err != nil {
		return err
	}
	if st.AlpacaSecret == "" {
		return fmt.Errorf("stack %s has no Alpaca secret (template.yaml's AWS::SecretsManager::Secret)", st.Name)
	}
	version, err := putAlpacaSecret(ctx, secretsmanager.NewFromConfig(cfg), st.AlpacaSecret, creds)
	if err != nil {
		return err
	}
	return printAlpacaStored(cmd.OutOrStdout(), f.asJSON, st.AlpacaSecret, version, creds)
}

// readAlpacaCredentials prompts on a terminal without echo, or reads
// stdin: two lines or a JSON object.
func readAlpacaCredentials(in io.Reader, prompt io.Writer) (alpacaCredentials, error) {
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptAlpacaCredentials(int(f.Fd()), prompt)
	}
	b, err := io.ReadAll(io.LimitReader(in, maxCredentialsInput+1))
	if err != nil {
		return alpacaCredentials{}, fmt.Errorf("could not read the credentials from stdin: %w", err)
	}
	if len(b) > maxCredentialsInput {
		return alpacaCredentials{}, usageError{fmt.Errorf("stdin: more than %d bytes; give two lines or one JSON object", maxCredentialsInput)}
	}
	return parseAlpacaCredentials(b)
}

func promptAlpacaCredentials(fd int, prompt io.Writer) (alpacaCredentials, error) {
	var c alpacaCredentials
	for _, q := range []struct {
		label string
		into  *string
	}{{"Alpaca API key id: ", &c.KeyID}, {"Alpaca API secret key: ", &c.SecretKey}} {
		fmt.Fprint(prompt, q.label)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(prompt)
		if err != nil {
			return c, fmt.Errorf("could not read the %s: %w", strings.TrimSuffix(q.label, ": "), err)
		}
		*q.into = strings.TrimSpace(string(b))
	}
	return c, c.check("the prompt")
}

// parseAlpacaCredentials reads one JSON object, or two lines: the key
// id, then the secret key.
func parseAlpacaCredentials(b []byte) (alpacaCredentials, error) {
	var c alpacaCredentials
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			// The decoder's message may quote the input: name the problem only.
			return c, usageError{errors.New(`stdin: not a JSON object of "key_id", "secret_key" and optionally "base_url", "data_url"`)}
		}
		return c, c.check("the JSON object on stdin")
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		return c, usageError{fmt.Errorf("stdin: %d non-empty lines; give two (the key id, then the secret key) or one JSON object", len(lines))}
	}
	c.KeyID, c.SecretKey = lines[0], lines[1]
	return c, c.check("stdin")
}

func (c alpacaCredentials) check(where string) error {
	for _, v := range []struct{ name, value string }{{"key id", c.KeyID}, {"secret key", c.SecretKey}} {
		if v.value == "" {
			return usageError{fmt.Errorf("%s: no %s", where, v.name)}
		}
		if strings.ContainsAny(v.value, " \t") {
			return usageError{fmt.Errorf("%s: the %s has white space in it", where, v.name)}
		}
	}
	return nil
}

// withBaseURL sets base_url: flag, else the input's, else the paper API.
func (c *alpacaCredentials) withBaseURL(flag string) error {
	if flag != "" {
		c.BaseURL = flag
	}
	if c.BaseURL == "" {
		c.BaseURL = paperBaseURL
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return usageError{fmt.Errorf("base URL %q: must be an https URL such as %s", c.BaseURL, paperBaseURL)}
	}
	return nil
}

// secretsAPI is what set-alpaca calls of Secrets Manager.
type secretsAPI interface {
	PutSecretValue(ctx context.Context, in *secretsmanager.PutSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.PutSecretValueOutput, error)
}

var _ secretsAPI = (*secretsmanager.Client)(nil)

// putAlpacaSecret writes a new AWSCURRENT version; the SDK fills the
// ClientRequestToken, so a retried call makes one version
// (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html).
func putAlpacaSecret(ctx context.Context, sm secretsAPI, arn string, c alpacaCredentials) (string, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("could not write the secret: %w", err)
	}
	out, err := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(arn), SecretString: aws.String(string(b))})
	if err != nil {
		return "", awsErr("could not put the secret value of "+arn, err)
	}
	return aws.ToString(out.VersionId), nil
}

func printAlpacaStored(w io.Writer, asJSON bool, arn, version string, c alpacaCredentials) error {
	key := maskKeyID(c.KeyID)
	if asJSON {
		return json.NewEncoder(w).Encode(map[string]string{"secret": arn, "version_id": version, "key_id": key, "base_url": c.BaseURL})
	}
	_, err := fmt.Fprintf(w, "stored the Alpaca key %s for %s in %s (version %s); the functions read it at their next cold start\n",
		key, c.BaseURL, arn, version)
	return err
}

// maskKeyID keeps a key id's last four characters, enough to tell keys
// apart.
func maskKeyID(id string) string {
	if len(id) <= 4 {
		return strings.Repeat("*", len(id))
	}
	return strings.Repeat("*", len(id)-4) + id[len(id)-4:]
}
