// npm run token -- --scope "population:read dossier:read" --province 40 [--commune 16681] [--sub officer-1] [--ttl 1h]
// Prints a bearer token for AUTH_JWT_SECRET (or the development secret `npm start` uses without one).
import { parseArgs } from "node:util";
import { DEV_JWT_SECRET } from "../gateway/authentication/jwt.ts";
import { signToken } from "../gateway/authentication/signToken.ts";
import { parseScopeClaim } from "../gateway/authorization/scopes.ts";

const USAGE =
  'usage: npm run token -- --scope "population:read dossier:read" [--province 40] [--commune 16681] [--sub officer-1] [--ttl 1h]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        scope: { type: "string", default: "" },
        province: { type: "string" },
        commune: { type: "string" },
        sub: { type: "string", default: "local-officer" },
        ttl: { type: "string", default: "1h" },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.province && !/^\d{2}$/.test(values.province)) fail("--province must be a 2-digit province code");
  if (values.commune && !/^\d{5}$/.test(values.commune)) fail("--commune must be a 5-digit commune code");
  if (!/^\d+[smhd]$/.test(values.ttl!)) fail("--ttl must look like 90s, 30m, 1h or 2d");
  let scopes: string[];
  try {
    scopes = parseScopeClaim(values.scope);
  } catch (error) {
    fail((error as Error).message);
  }
  const secret = process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
  if (secret === DEV_JWT_SECRET)
    process.stderr.write("(signed with the development secret: valid for npm start only)\n");
  return signToken(
    { sub: values.sub!, scopes, province: values.province ?? null, commune: values.commune ?? null },
    {
      secret,
      ttl: values.ttl!,
      issuer: process.env.AUTH_ISSUER || null,
      audience: process.env.AUTH_AUDIENCE || null,
    },
  ).then((token) => {
    process.stdout.write(`${token}\n`);
  });
}

await main();
