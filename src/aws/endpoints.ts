// Where aws-op's own AWS calls go: the one decision, for every service (STS, IAM, the sign-in endpoint), made as
// the AWS SDKs make it ("service-specific endpoints", botocore's ConfiguredEndpointProvider and the JS SDK's
// getEndpointUrlConfig): AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, else the profile's ignore_configured_endpoint_urls,
// set to true turns every configured endpoint off (the SDK's default endpoint for the region is used); otherwise
// AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL, then the service's endpoint_url in the profile's `services`
// section (`services = NAME` and `[services NAME]` with `sts =` / `  endpoint_url = ...`), then the profile's
// endpoint_url. A `services` name without its section fails, as in botocore, when the lookup gets that far.
import { UserError } from "../errors.js";

export type AwsService = "STS" | "IAM" | "SIGNIN";

/** The profile's `services = NAME` and what its `[services NAME]` section holds, as profile.ts read it. */
export interface ServicesSection {
  name: string;
  /** endpoint_url of each service sub-section, by the lower-case key the SDKs look up (sts, iam, signin). */
  endpointUrls: Record<string, string>;
  /** The config file, which has no `[services NAME]` section: the lookup fails naming both. */
  missingIn?: string;
}

/** The endpoint settings of the profile, as written (see ProfileSettings.endpoints). */
export interface ProfileEndpointSettings {
  ignoreConfiguredEndpointUrls?: string | undefined;
  endpointUrl?: string | undefined;
  services?: ServicesSection | undefined;
}

/** The SDKs read these as booleans: "true" in any case is true, anything else false. */
function isTrue(value: string): boolean {
  return value.trim().toLowerCase() === "true";
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The service's endpoint_url in the profile's services section; throws when the section named is missing. */
function servicesEndpoint(service: AwsService, services: ServicesSection | undefined): string | undefined {
  if (!services) return undefined;
  if (services.missingIn !== undefined) {
    throw new UserError(
      `The profile says "services = ${services.name}", but ${services.missingIn} has no [services ${services.name}] section.`,
      {
        hint: `Add the section (e.g. "[services ${services.name}]" with "sts =" and "  endpoint_url = https://..." below it), or remove the services line from the profile.`,
      },
    );
  }
  return nonEmpty(services.endpointUrls[service.toLowerCase()]);
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
    nonEmpty(env[`AWS_ENDPOINT_URL_${service}`]) ??
    nonEmpty(env.AWS_ENDPOINT_URL) ??
    servicesEndpoint(service, profile.services) ??
    nonEmpty(profile.endpointUrl)
  );
}

/**
 * The endpoint the SDK calls when none is configured, as its endpoint rules give it for aws-op's clients (no FIPS,
 * no dual-stack): STS regional (sts.REGION.amazonaws.com, .amazonaws.com.cn in China), IAM global per partition.
 * Only to open the connection early, to decide on a proxy and to name the endpoint in errors: the SDK itself still
 * resolves the endpoint it signs for (a unit test checks the two agree).
 */
export function defaultEndpoint(service: "STS" | "IAM", region: string): string {
  const china = region.startsWith("cn-");
  if (service === "STS") return `https://sts.${region}.amazonaws.com${china ? ".cn" : ""}`;
  if (china) return "https://iam.cn-north-1.amazonaws.com.cn";
  if (region.startsWith("us-gov-")) return "https://iam.us-gov.amazonaws.com";
  return "https://iam.amazonaws.com";
}
