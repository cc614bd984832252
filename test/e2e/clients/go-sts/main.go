// A Go SDK v2 program for the end-to-end tests: it loads the shared config the way Terraform and other Go tools do
// (the profile from AWS_PROFILE, credentials from its credential_process), calls STS GetCallerIdentity and prints
// {"Arn": ..., "Account": ..., "AccessKeyId": ...} as JSON. Debian's SDK (1.17) predates AWS_ENDPOINT_URL, so the
// endpoint comes from AWS_OP_TEST_ENDPOINT and is set for every service, including the SDK's own STS client for a
// role_arn + source_profile profile.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx := context.Background()
	endpoint := os.Getenv("AWS_OP_TEST_ENDPOINT")
	if endpoint == "" {
		fmt.Fprintln(os.Stderr, "AWS_OP_TEST_ENDPOINT is not set")
		os.Exit(2)
	}
	resolver := aws.EndpointResolverWithOptionsFunc(
		func(service, region string, options ...interface{}) (aws.Endpoint, error) {
			return aws.Endpoint{URL: endpoint, HostnameImmutable: true}, nil
		})
	cfg, err := config.LoadDefaultConfig(ctx, config.WithEndpointResolverWithOptions(resolver))
	if err != nil {
		fmt.Fprintln(os.Stderr, "load config:", err)
		os.Exit(1)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "credentials:", err)
		os.Exit(1)
	}
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "GetCallerIdentity:", err)
		os.Exit(1)
	}
	result, _ := json.Marshal(map[string]string{
		"Arn":         aws.ToString(out.Arn),
		"Account":     aws.ToString(out.Account),
		"AccessKeyId": creds.AccessKeyID,
		"Source":      creds.Source,
	})
	fmt.Println(string(result))
}
