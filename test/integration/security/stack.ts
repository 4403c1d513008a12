// The security suite's stack: test/support's whole stack (sandbox, the four real subgraphs, gateways, Redis) with no
// record cache in the subgraphs and gateways that take only tokens of this issuer for this audience.
import { signToken } from "../../../gateway/authentication/signToken.ts";
import { STACK_JWT_SECRET, type Stack, startStack } from "../../support/stack.ts";

export const ISSUER = "lienthong-test-idp";
export const AUDIENCE = "lienthong-gateway";

/** Tokens the security stack's gateways accept; each one of another officer unless `sub` says who. */
export const tokens = {
  sign: (
    claims: { sub?: string; scopes: string[]; province?: string; commune?: string },
    ttl: string | number = "10m",
  ): Promise<string> =>
    signToken(
      { sub: claims.sub ?? `officer-${Math.random().toString(36).slice(2, 10)}`, ...claims },
      { secret: STACK_JWT_SECRET, ttl, issuer: ISSUER, audience: AUDIENCE },
    ),
};

/** `gatewayEnv` is added to the environment of every gateway of the stack. */
export function startSecurityStack(gatewayEnv: Record<string, string> = {}): Promise<Stack> {
  return startStack({
    subgraphEnv: { RECORD_CACHE: "off" },
    gatewayEnv: { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, ...gatewayEnv },
  });
}
