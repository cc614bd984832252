// 1Password UUIDs: 26 lowercase base32 characters (16 random bytes).
import { randomBytes } from "node:crypto";
import { encodeBase32 } from "./totp.js";

export function newOpId(): string {
  return encodeBase32(randomBytes(16)).toLowerCase().slice(0, 26);
}
