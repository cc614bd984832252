// How aws-op's own calls (STS, IAM, the sign-in endpoint) reach the network, decided as the AWS CLI (botocore)
// decides it: the proxy for an endpoint and the CA bundle that is trusted. The transport (transport.ts) acts on
// these decisions; this module only reads settings, so it loads nothing.
// - Proxies: HTTPS_PROXY for an https endpoint, HTTP_PROXY for an http one; the lower-case variable, when set (even
//   to nothing), wins over the upper-case one (Python's urllib.request.getproxies, which botocore uses; Node's own
//   proxy support prefers lower case too). A value without a scheme is http:// (botocore's _fix_proxy_url).
//   NO_PROXY / no_proxy (lower case wins) lists hosts that go direct, as urllib's proxy_bypass_environment matches
//   them: "*" for all, else comma-separated names, each matching the host (with or without its port) or any host
//   under it ("example.com" and ".example.com" both match "sts.example.com"). No wildcards, no address ranges.
// - CA bundle: AWS_CA_BUNDLE, else the profile's ca_bundle (profile.ts caBundleOf), replaces the trusted CAs (as
//   botocore's verify=PATH does; Node then ignores NODE_EXTRA_CA_CERTS too).
// The environment is read when a call is made, not when the profile is resolved: neither setting changes which
// credentials are served (so neither is in a cache key), and the hit index (cache/hit-index.ts), which records
// every variable the resolution reads, must never store a proxy's password.
import type { CaBundleSetting } from "../config/profile.js";
import { UserError } from "../errors.js";
import { registerSecret } from "../redact.js";

/** What the network decisions of one run read: the environment, the home directory (~/), the profile's bundle. */
export interface NetworkSettings {
  env: NodeJS.ProcessEnv;
  home: string;
  caBundle?: CaBundleSetting | undefined;
}

export function networkSettings(
  env: NodeJS.ProcessEnv,
  home: string,
  caBundle: CaBundleSetting | undefined,
): NetworkSettings {
  return { env, home, ...(caBundle ? { caBundle } : {}) };
}

/** The proxy an endpoint goes through. */
export interface ProxyRoute {
  /** The proxy's URL, credentials included: for the transport only, never shown. */
  url: string;
  /** The URL as messages show it: no password. */
  shown: string;
  /** The variable it came from (HTTPS_PROXY, https_proxy, ...). */
  variable: string;
}

/** The lower-case variable when set (even empty: it then turns the proxy off), else the upper-case one. */
function lowerCaseFirst(env: NodeJS.ProcessEnv, name: string): { variable: string; value: string } | undefined {
  const lower = name.toLowerCase();
  if (env[lower] !== undefined) return { variable: lower, value: env[lower] ?? "" };
  const upper = name.toUpperCase();
  if (env[upper] !== undefined) return { variable: upper, value: env[upper] ?? "" };
  return undefined;
}

/** A URL as it may be shown: the password (if any) left out. */
export function withoutPassword(url: URL): string {
  const user = url.username ? `${url.username}@` : "";
  return `${url.protocol}//${user}${url.host}`;
}

/** A text that failed to parse as a URL, shown with whatever stands between "//" and "@" masked. */
function maskedText(text: string): string {
  return text.replace(/\/\/[^/@]*@/, "//***@");
}

/** Keep a proxy's credentials out of everything aws-op prints (redact.ts), in each form they could take. */
function registerProxyCredentials(url: URL): void {
  if (!url.password) return;
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  registerSecret(`${url.username}:${url.password}`);
  registerSecret(`${decode(url.username)}:${decode(url.password)}`);
  registerSecret(Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString("base64"));
  // A short password alone would match all over ordinary text (redact.ts searches for it everywhere).
  for (const password of [url.password, decode(url.password)]) if (password.length >= 8) registerSecret(password);
}

/** The proxy variable's URL, normalised as botocore does; a UserError naming the variable if it is no proxy URL. */
function parseProxyUrl(variable: string, value: string): URL {
  // Another scheme (socks5://) is no proxy aws-op can speak to, not a host name to put http:// in front of.
  const otherScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) && !/^https?:/i.test(value);
  const text = /^https?:/i.test(value) ? value : value.startsWith("//") ? `http:${value}` : `http://${value}`;
  let url: URL | undefined;
  try {
    url = otherScheme ? undefined : new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
    throw new UserError(`${variable} = "${maskedText(value)}" is not a proxy URL aws-op can use.`, {
      hint: `Set ${variable} to http://HOST:PORT (or http://USER:PASSWORD@HOST:PORT), or unset it.`,
    });
  }
  registerProxyCredentials(url);
  return url;
}

/** Does no_proxy / NO_PROXY send this endpoint direct? urllib's proxy_bypass_environment, on the URL's host. */
export function isProxyBypassed(endpoint: URL, noProxy: string): boolean {
  if (noProxy.trim() === "*") return true;
  const hostOnly = endpoint.hostname.toLowerCase();
  const hostAndPort = endpoint.host.toLowerCase();
  for (const entry of noProxy.split(",")) {
    const name = entry.trim().replace(/^\.+/, "").toLowerCase();
    if (!name) continue;
    if (hostOnly === name || hostAndPort === name) return true;
    if (hostOnly.endsWith(`.${name}`) || hostAndPort.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** The proxy for a call to `endpoint`, or undefined to go direct. Throws a UserError for an unusable proxy URL. */
export function proxyFor(endpoint: string, env: NodeJS.ProcessEnv): ProxyRoute | undefined {
  const target = new URL(endpoint);
  const scheme = target.protocol === "https:" ? "https" : target.protocol === "http:" ? "http" : undefined;
  if (!scheme) return undefined;
  const setting = lowerCaseFirst(env, `${scheme}_proxy`);
  if (!setting || setting.value.trim() === "") return undefined;
  const noProxy = lowerCaseFirst(env, "no_proxy");
  if (noProxy && isProxyBypassed(target, noProxy.value)) return undefined;
  const url = parseProxyUrl(setting.variable, setting.value.trim());
  return { url: url.href, shown: withoutPassword(url), variable: setting.variable };
}

/** The CA bundle that replaces the trusted CAs, and where it was set (for messages). */
export interface CaBundleRoute {
  path: string;
  /** "AWS_CA_BUNDLE" or `ca_bundle of profile "NAME"`. */
  source: string;
}

/** AWS_CA_BUNDLE, else the profile's ca_bundle; undefined: Node's own trusted CAs. */
export function caBundleFor(network: NetworkSettings): CaBundleRoute | undefined {
  const fromEnv = network.env.AWS_CA_BUNDLE?.trim();
  if (fromEnv) return { path: fromEnv, source: "AWS_CA_BUNDLE" };
  const fromProfile = network.caBundle;
  return fromProfile ? { path: fromProfile.path, source: `ca_bundle of profile "${fromProfile.profile}"` } : undefined;
}
