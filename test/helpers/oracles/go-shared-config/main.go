// The Go SDK v2's reading of the shared config and credentials files, as an oracle for the tests: for each request
// (one JSON object a line on stdin: {"config": PATH, "credentials": PATH, "profiles": [NAME, ...]}) it answers one
// JSON line, {"failed": BOOL, "values": [...]}: for each profile, the credential_process that
// config.LoadSharedConfigProfile finds for it, or null when it finds none; "failed" when the SDK cannot parse a
// file (it then loads no profile at all). It runs until stdin closes, so a test starts it once for thousands of
// configs.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
)

type answer struct {
	Failed bool      `json:"failed"`
	Values []*string `json:"values"`
}

type request struct {
	Config      string   `json:"config"`
	Credentials string   `json:"credentials"`
	Profiles    []string `json:"profiles"`
}

func main() {
	ctx := context.Background()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "bad request:", err)
			os.Exit(2)
		}
		result := answer{Values: make([]*string, len(req.Profiles))}
		for i, profile := range req.Profiles {
			cfg, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
				o.ConfigFiles = []string{req.Config}
				o.CredentialsFiles = []string{req.Credentials}
			})
			var loadError config.SharedConfigLoadError
			if errors.As(err, &loadError) {
				result.Failed = true
			}
			if err == nil && cfg.CredentialProcess != "" {
				value := cfg.CredentialProcess
				result.Values[i] = &value
			}
		}
		line, err := json.Marshal(result)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cannot encode:", err)
			os.Exit(2)
		}
		out.Write(line)
		out.WriteByte('\n')
		out.Flush()
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "read:", err)
		os.Exit(2)
	}
}
