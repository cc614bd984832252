# A Ruby SDK script for the end-to-end tests: the profile from AWS_PROFILE, credentials from its credential_process
# (Aws::ProcessCredentials, resolved by the SDK's shared config), STS GetCallerIdentity, printed as JSON.
# Debian's aws-sdk-core (3.168) predates AWS_ENDPOINT_URL, so the endpoint comes from AWS_OP_TEST_ENDPOINT.
require "json"
require "aws-sdk-core"

endpoint = ENV.fetch("AWS_OP_TEST_ENDPOINT")
Aws.config.update(endpoint: endpoint)
client = Aws::STS::Client.new
identity = client.get_caller_identity
credentials = client.config.credentials
puts JSON.generate(
  "Arn" => identity.arn,
  "Account" => identity.account,
  "AccessKeyId" => credentials.credentials.access_key_id,
  "Provider" => credentials.class.name,
)
