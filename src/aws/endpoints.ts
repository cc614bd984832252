// Where aws-op's own AWS calls go: the one decision, for every service (STS, IAM, the sign-in endpoint), made as
// the AWS SDKs make it ("service-specific endpoints"): AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, else the profile's
// ignore_configured_endpoint_urls, set to true turns every configured endpoint off (the SDK's default endpoint for
// the region is used); otherwise AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the profile's endpoint_url.
// (The profile's `services` section is not read.)

export type AwsService = "STS" | "IAM" | "SIGNIN";

/** The endpoint settings of the profile, as written (see ProfileSettings.endpoints). */
export interface ProfileEndpointSettings {
  ignoreConfiguredEndpointUrls?: string | undefined;
  endpointUrl?: string | undefined;
}

/** The SDKs read these as booleans: "true" in any case is true, anything else false. */
function isTrue(value: string): boolean {
  return value.trim().toLowerCase() === "true";
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The endpoint configured for `service`, or undefined for the SDK's default (AWS itself). */
export function configuredEndpoint(
  service: AwsService,
  env: NodeJS.ProcessEnv,
  profile: ProfileEndpointSettings = {},
): string | undefined {
  const ignore = nonEmpty(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ?? nonEmpty(profile.ignoreConfiguredEndpointUrls);
  if (ignore !== undefined && isTrue(ignore)) return undefined;
  return (
    nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) ?? nonEmpty(env.AWS_ENDPOINT_URL) ?? nonEmpty(profile.endpointUrl)
  );
}
