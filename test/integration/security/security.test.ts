// The security suite: real sandbox, real subgraphs, real gateways, real Redis. Every case asserts the status, the
// error code and that no personal data came back.
import { createHash } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Caller } from "../../../common/caller.ts";
import { CALLER_CONTEXT_HEADER, deriveContextKey, signCallerContext } from "../../../common/signedContext.ts";
import {
  STACK_CONTEXT_SECRET,
  STACK_JWT_SECRET,
  type Stack,
  type StackGateway,
} from "../../support/stack.ts";
import { AUDIENCE, ISSUER, startSecurityStack, tokens } from "./stack.ts";

interface CitizenRecord {
  id: string;
  fullName: string;
  dateOfBirth: string;
  permanentResidence: { provinceCode: string; communeCode: string; line: string | null };
  currentResidence: { provinceCode: string } | null;
}
interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

let stack: Stack;
let gateway: StackGateway;
const people: { own: CitizenRecord; other: CitizenRecord; representative: CitizenRecord } = {} as never;
let otherEnterpriseCode: string;
let otherDossier: { code: string; applicant: CitizenRecord };

const livesIn = (citizen: CitizenRecord, province: string) =>
  citizen.permanentResidence.provinceCode === province &&
  (citizen.currentResidence === null || citizen.currentResidence.provinceCode === province);

async function firstCitizenOf(province: string): Promise<CitizenRecord> {
  const communes = await stack.sandbox.get<{ items: { code: string }[] }>(
    `/reporting/v1/communes?provinces=${province}`,
  );
  for (const commune of communes.items.slice(0, 10)) {
    const page = await stack.sandbox.get<{ items: CitizenRecord[] }>(
      `/population/v1/citizens?commune=${commune.code}&limit=20`,
    );
    const found = page.items.find((c) => livesIn(c, province));
    if (found) return found;
  }
  throw new Error(`no citizen living in ${province}`);
}

/** Personal data of these citizens must never appear in a body the caller may not see them in. */
function expectNoPersonalData(text: string, ...citizens: CitizenRecord[]) {
  for (const citizen of citizens) {
    expect(text).not.toContain(citizen.id);
    expect(text).not.toContain(citizen.fullName);
    expect(text).not.toContain(citizen.dateOfBirth);
  }
}

async function ask(
  target: StackGateway,
  query: string,
  options: { token?: string; variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
) {
  const response = await target.post(
    { query, variables: options.variables },
    { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
  );
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) as GraphQLBody };
}

const codesOf = (body: GraphQLBody) => (body.errors ?? []).map((e) => e.extensions?.code);

const OFFICER_40 = { scopes: ["population:read", "dossier:read"], province: "40" };
const NATIONAL_FULL = { scopes: ["population:read", "population:pii", "dossier:read"] };

beforeAll(async () => {
  stack = await startSecurityStack();
  gateway = stack.gateway;
  people.own = await firstCitizenOf("40");
  people.other = await firstCitizenOf("01");
  const enterprises = await stack.sandbox.get<{ items: { code: string; representativeId: string }[] }>(
    "/business/v1/enterprises?province=01&limit=100",
  );
  for (const enterprise of enterprises.items) {
    const representative = await stack.sandbox.get<CitizenRecord>(
      `/population/v1/citizens/${enterprise.representativeId}`,
    );
    if (livesIn(representative, "01")) {
      otherEnterpriseCode = enterprise.code;
      people.representative = representative;
      break;
    }
  }
  const dossiers = await stack.sandbox.get<{
    items: { code: string; applicant: { kind: string; id: string } }[];
  }>("/procedures/v1/dossiers?province=01&limit=100");
  for (const dossier of dossiers.items) {
    if (dossier.applicant.kind !== "CITIZEN") continue;
    const applicant = await stack.sandbox.get<CitizenRecord>(
      `/population/v1/citizens/${dossier.applicant.id}`,
    );
    if (livesIn(applicant, "01")) {
      otherDossier = { code: dossier.code, applicant };
      break;
    }
  }
  expect(otherEnterpriseCode).toBeDefined();
  expect(otherDossier).toBeDefined();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe("authentication", () => {
  const query = "query ($id: ID!) { citizen(id: $id) { maskedId fullName dateOfBirth } provinces { code } }";

  it("no token: protected fields come back null with UNAUTHENTICATED, public ones resolve", async () => {
    const result = await ask(gateway, query, { variables: { id: people.own.id } });
    expect(result.status).toBe(200);
    expect(result.body.data?.citizen).toBeNull();
    expect(result.body.data?.provinces).toHaveLength(34);
    expect(codesOf(result.body)).toEqual(["UNAUTHENTICATED"]);
    expectNoPersonalData(result.text, people.own);
  });

  const refused = async (token: string, reason: RegExp) => {
    const result = await ask(gateway, query, { token, variables: { id: people.own.id } });
    expect(result.status).toBe(401);
    expect(codesOf(result.body)).toEqual(["UNAUTHENTICATED"]);
    expect(result.body.errors?.[0]?.message).toMatch(reason);
    expect(result.body.data).toBeUndefined();
    expectNoPersonalData(result.text, people.own);
  };

  it("an expired token: 401 saying it expired", async () => {
    const expired = await new SignJWT({ scope: NATIONAL_FULL.scopes.join(" ") })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-yesterday")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(STACK_JWT_SECRET));
    await refused(expired, /expired/);
  });

  it("a token signed with another key: 401 bad signature", async () => {
    const forged = await new SignJWT({ scope: NATIONAL_FULL.scopes.join(" ") })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("intruder")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(`${STACK_JWT_SECRET}-not`));
    await refused(forged, /bad signature/);
  });

  it("a token for another audience: 401 wrong audience", async () => {
    const other = await new SignJWT({ scope: NATIONAL_FULL.scopes.join(" ") })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("officer-elsewhere")
      .setIssuer(ISSUER)
      .setAudience("another-api")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(STACK_JWT_SECRET));
    await refused(other, /wrong audience/);
  });

  it("an unsigned alg:none token: 401", async () => {
    const unsigned = new UnsecuredJWT({ scope: NATIONAL_FULL.scopes.join(" ") })
      .setSubject("intruder")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime("5m")
      .encode();
    await refused(unsigned, /algorithm none not accepted/);
  });
});

describe("province scoping (a province-40 officer)", () => {
  let officer: string;
  beforeAll(async () => {
    officer = await tokens.sign(OFFICER_40);
  });

  it("reads its own province's citizen", async () => {
    const result = await ask(gateway, "query ($id: ID!) { citizen(id: $id) { maskedId fullName } }", {
      token: officer,
      variables: { id: people.own.id },
    });
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.citizen).toMatchObject({ fullName: people.own.fullName });
  });

  it("gets FORBIDDEN and null for a province-01 citizen asked directly", async () => {
    const result = await ask(
      gateway,
      "query ($id: ID!) { citizen(id: $id) { maskedId fullName dateOfBirth } }",
      {
        token: officer,
        variables: { id: people.other.id },
      },
    );
    expect(result.status).toBe(200);
    expect(result.body.data?.citizen).toBeNull();
    expect(codesOf(result.body)).toContain("FORBIDDEN");
    expectNoPersonalData(result.text, people.other);
  });

  it("gets its own citizen but null + FORBIDDEN for the other through citizens(ids:)", async () => {
    const result = await ask(gateway, "query ($ids: [ID!]!) { citizens(ids: $ids) { maskedId fullName } }", {
      token: officer,
      variables: { ids: [people.own.id, people.other.id] },
    });
    expect(result.status).toBe(200);
    const list = result.body.data?.citizens as ({ fullName: string } | null)[];
    expect(list[0]?.fullName).toBe(people.own.fullName);
    expect(list[1]).toBeNull();
    expect(codesOf(result.body)).toContain("FORBIDDEN");
    expectNoPersonalData(result.text, people.other);
  });

  it("sees a province-01 enterprise's public registry data but not its legal representative", async () => {
    const result = await ask(
      gateway,
      "query ($code: ID!) { enterprise(code: $code) { code name legalRepresentative { maskedId fullName dateOfBirth } } }",
      { token: officer, variables: { code: otherEnterpriseCode } },
    );
    expect(result.status).toBe(200);
    expect(result.body.data?.enterprise).toMatchObject({
      code: otherEnterpriseCode,
      legalRepresentative: null,
    });
    expect(codesOf(result.body)).toContain("FORBIDDEN");
    expectNoPersonalData(result.text, people.representative);
  });

  it("gets FORBIDDEN and never the applicant or history of a province-01 dossier", async () => {
    const result = await ask(
      gateway,
      `query ($code: ID!) { dossier(code: $code) { code status
         applicant { ... on Citizen { maskedId fullName dateOfBirth } ... on Enterprise { name } }
         history { note } } }`,
      { token: officer, variables: { code: otherDossier.code } },
    );
    expect(result.status).toBe(200);
    const dossier = result.body.data?.dossier as Record<string, unknown> | null;
    // The procedures subgraph answers the whole out-of-province dossier with null; the applicant is never there.
    if (dossier) expect(dossier.applicant ?? null).toBeNull();
    expect(codesOf(result.body)).toContain("FORBIDDEN");
    expectNoPersonalData(result.text, otherDossier.applicant);
  });

  it("cannot list province-01 dossiers", async () => {
    const result = await ask(
      gateway,
      `{ dossiers(filter: { provinceCode: "01" }, first: 5) { totalCount edges { node { code applicant { ... on Citizen { fullName } } } } } }`,
      { token: officer },
    );
    expect(codesOf(result.body)).toContain("FORBIDDEN");
    expect(result.body.data?.dossiers ?? null).toBeNull();
    expectNoPersonalData(result.text, otherDossier.applicant);
  });
});

describe("field authorization", () => {
  it("scopes smuggled through aliases and fragments: null + UNAUTHORIZED, never the full number or address", async () => {
    const readOnly = await tokens.sign({ scopes: ["population:read"] });
    const result = await ask(
      gateway,
      `query ($id: ID!) {
         a: citizen(id: $id) { fullName number: id }
         b: citizen(id: $id) { ...Who }
         c: citizen(id: $id) { ... on Citizen { home: permanentResidence { where: line } } maskedId }
       }
       fragment Who on Citizen { maskedId ident: id }`,
      { token: readOnly, variables: { id: people.own.id } },
    );
    expect(result.status).toBe(200);
    expect(result.body.data).toMatchObject({ a: null, b: null, c: { home: { where: null } } });
    expect((result.body.errors ?? []).map((e) => [e.path?.join("."), e.extensions?.code]).sort()).toEqual([
      ["a.number", "UNAUTHORIZED"],
      ["b.ident", "UNAUTHORIZED"],
      ["c.home.where", "UNAUTHORIZED"],
    ]);
    expect(result.text).not.toContain(people.own.id);
    if (people.own.permanentResidence.line)
      expect(result.text).not.toContain(people.own.permanentResidence.line);
  });

  it("masks the personal number as its first 3 and last 3 digits", async () => {
    const result = await ask(gateway, "query ($id: ID!) { citizen(id: $id) { id maskedId } }", {
      token: await tokens.sign(NATIONAL_FULL),
      variables: { id: people.own.id },
    });
    const citizen = result.body.data?.citizen as { id: string; maskedId: string };
    expect(citizen.id).toBe(people.own.id);
    expect(citizen.maskedId).toBe(`${people.own.id.slice(0, 3)}******${people.own.id.slice(-3)}`);
  });

  it("same text, different scopes: no shared plan, cached response or deduplicated execution", async () => {
    const query = `query Profile($id: ID!) { citizen(id: $id) { maskedId number: id permanentResidence { line } } }`;
    const variables = { id: people.own.id };
    const narrow = await tokens.sign({ sub: "narrow-1", scopes: ["population:read"] });
    const full = await tokens.sign({ sub: "full-1", scopes: ["population:read", "population:pii"] });
    const expectNarrow = (result: Awaited<ReturnType<typeof ask>>) => {
      expect(result.body.data?.citizen).toBeNull();
      expect(codesOf(result.body).sort()).toEqual(["UNAUTHORIZED", "UNAUTHORIZED"]);
      expect(result.text).not.toContain(people.own.id);
    };
    const expectFull = (result: Awaited<ReturnType<typeof ask>>) => {
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.citizen).toMatchObject({
        number: people.own.id,
        permanentResidence: { line: people.own.permanentResidence.line },
      });
    };
    // The narrow caller plans first: the full caller must not reuse its trimmed plan, and vice versa.
    expectNarrow(await ask(gateway, query, { token: narrow, variables }));
    expectFull(await ask(gateway, query, { token: full, variables }));
    expectFull(await ask(gateway, query, { token: full, variables }));
    expectNarrow(await ask(gateway, query, { token: narrow, variables }));
    // In flight together (dedup) and again after caching: each gets its own shape.
    const together = await Promise.all(
      Array.from({ length: 12 }, (_, i) => ask(gateway, query, { token: i % 2 ? narrow : full, variables })),
    );
    for (const [i, result] of together.entries()) {
      if (i % 2) expectNarrow(result);
      else expectFull(result);
    }
  });
});

describe("caches with real tokens", () => {
  it("a cached national answer is never served to a province-40 officer or an anonymous caller", async () => {
    const query = "query Other($id: ID!) { citizen(id: $id) { maskedId fullName dateOfBirth } }";
    const variables = { id: people.other.id };
    const national = await tokens.sign({ sub: "national-cache-1", scopes: ["population:read"] });
    const first = await ask(gateway, query, { token: national, variables });
    expect(first.body.data?.citizen).toMatchObject({ fullName: people.other.fullName });
    const second = await ask(gateway, query, { token: national, variables });
    expect(second.headers.get("x-cache")).toBe("HIT");
    expect(second.body.data?.citizen).toMatchObject({ fullName: people.other.fullName });

    const officer = await ask(gateway, query, { token: await tokens.sign(OFFICER_40), variables });
    expect(officer.headers.get("x-cache")).not.toBe("HIT");
    expect(officer.body.data?.citizen).toBeNull();
    expect(codesOf(officer.body)).toContain("FORBIDDEN");
    expectNoPersonalData(officer.text, people.other);

    const sameScopesOtherPerson = await ask(gateway, query, {
      token: await tokens.sign({ sub: "national-cache-2", scopes: ["population:read"] }),
      variables,
    });
    // Citizens are PRIVATE: even a caller with the same scopes gets its own execution, not the first one's copy.
    expect(sameScopesOtherPerson.headers.get("x-cache")).not.toBe("HIT");
    expect(sameScopesOtherPerson.body.data?.citizen).toMatchObject({ fullName: people.other.fullName });

    const anonymous = await ask(gateway, query, { variables });
    expect(anonymous.body.data?.citizen).toBeNull();
    expect(codesOf(anonymous.body)).toEqual(["UNAUTHENTICATED"]);
    expectNoPersonalData(anonymous.text, people.other);
  });
});

describe("the subgraphs trust only the gateway", () => {
  const query = (id: string) => ({ query: `{ citizen(id: "${id}") { fullName dateOfBirth } }` });
  const post = (headers: Record<string, string>, id: string) =>
    fetch(stack.subgraphs.population.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(query(id)),
    });
  /** A context for population and exactly the body `post` sends for `id`, signed from `secret`. */
  const contextFor = (caller: Caller, id: string, secret: string, at?: number) =>
    signCallerContext(
      caller,
      { audience: "population", requestId: "security-suite", body: JSON.stringify(query(id)) },
      deriveContextKey(secret, "population"),
      at,
    );

  it("ignores a caller context a client sends to the gateway itself", async () => {
    const national = { sub: "intruder", scopes: NATIONAL_FULL.scopes, province: null, commune: null };
    const result = await ask(gateway, "query ($id: ID!) { citizen(id: $id) { fullName dateOfBirth } }", {
      variables: { id: people.other.id },
      headers: { [CALLER_CONTEXT_HEADER]: contextFor(national, people.other.id, STACK_CONTEXT_SECRET) },
    });
    expect(result.status).toBe(200);
    expect(result.body.data?.citizen).toBeNull();
    expect(codesOf(result.body)).toEqual(["UNAUTHENTICATED"]);
    expectNoPersonalData(result.text, people.other);
  });

  it("refuses a request without a caller context", async () => {
    const response = await post({}, people.other.id);
    expect(response.status).toBe(401);
    expectNoPersonalData(await response.text(), people.other);
  });

  it("refuses a caller context forged with another secret, tampered with or replayed late", async () => {
    const national = { sub: "intruder", scopes: NATIONAL_FULL.scopes, province: null, commune: null };
    const id = people.other.id;
    const forged = contextFor(national, id, "a-secret-the-attacker-guessed-wrong");
    const [payload, signature] = contextFor({ ...national, province: "40" }, id, STACK_CONTEXT_SECRET).split(
      ".",
    );
    const widened = { ...JSON.parse(Buffer.from(payload!, "base64url").toString()), province: null };
    const tampered = `${Buffer.from(JSON.stringify(widened)).toString("base64url")}.${signature}`;
    const stale = contextFor(national, id, STACK_CONTEXT_SECRET, Date.now() - 10 * 60_000);
    for (const header of [forged, tampered, stale, "not-a-context"]) {
      const response = await post({ [CALLER_CONTEXT_HEADER]: header }, people.other.id);
      expect(response.status).toBe(403);
      expectNoPersonalData(await response.text(), people.other);
    }
  });
});

describe("abuse protection", () => {
  it("refuses a deep query with QUERY_TOO_COMPLEX", async () => {
    let selection = "code";
    for (let i = 0; i < 10; i += 1) selection = `communes { province { ${selection} } }`;
    const result = await ask(gateway, `{ province(code: "40") { ${selection} } }`);
    expect(result.status).toBe(400);
    expect(codesOf(result.body)).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(result.body.data).toBeUndefined();
  });

  it("refuses a wide query (thousands of fields) and a costly one (nested lists) with QUERY_TOO_COMPLEX", async () => {
    const wide = `{ provinces { ${"code name nameEn fullName communeCount ".repeat(500)} } }`;
    const costly = "{ provinces { communes { province { communes { province { communes { code } } } } } } }";
    for (const query of [wide, costly]) {
      const result = await ask(gateway, query);
      expect(result.status).toBe(400);
      expect(codesOf(result.body)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(result.body.data).toBeUndefined();
    }
  });

  it("refuses an alias bomb with QUERY_TOO_COMPLEX", async () => {
    const fields = Array.from(
      { length: 200 },
      (_, i) => `a${i}: citizen(id: "${people.own.id}") { fullName }`,
    ).join(" ");
    const result = await ask(gateway, `{ ${fields} }`, { token: await tokens.sign(NATIONAL_FULL) });
    expect(result.status).toBe(400);
    expect(codesOf(result.body)).toEqual(["QUERY_TOO_COMPLEX"]);
    expectNoPersonalData(result.text, people.own);
  });

  it("refuses an oversized body with 413 before reading it", async () => {
    const response = await gateway.post({ query: `{ provinces { code } } # ${"x".repeat(200 * 1024)}` });
    expect(response.status).toBe(413);
    expect(((await response.json()) as GraphQLBody).errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });

  it("rate limits bursts per caller across replicas: 429, Retry-After, RATE_LIMITED; IOC screens get more", async () => {
    const env = {
      RATE_LIMIT_POINTS: "5",
      RATE_LIMIT_IOC_POINTS: "15",
      RATE_LIMIT_PREFIX: `burst-${process.pid}-${Date.now()}`,
    };
    const replicaA = await stack.startGateway(env);
    // A replica of the same deployment: one Redis namespace, so one set of counters.
    const replicaB = await stack.startGateway({ ...env, REDIS_KEY_PREFIX: replicaA.keyPrefix });
    const officer = await tokens.sign({ scopes: ["dossier:read"] });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push(
        (await ask(i % 2 ? replicaB : replicaA, "{ provinces { code } }", { token: officer })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    // The counter lives in Redis: the sixth request is refused whichever replica takes it.
    const over = await ask(replicaB, "{ provinces { code } }", { token: officer });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(codesOf(over.body)).toEqual(["RATE_LIMITED"]);
    expect(over.body.data).toBeUndefined();
    // Another caller is unaffected; an IOC screen has a larger budget.
    expect(
      (await ask(replicaA, "{ provinces { code } }", { token: await tokens.sign({ scopes: [] }) })).status,
    ).toBe(200);
    const screen = await tokens.sign({ scopes: ["ioc:dashboard"] });
    for (let i = 0; i < 10; i += 1) {
      expect((await ask(replicaA, "{ provinces { code } }", { token: screen })).status).toBe(200);
    }
    // Anonymous callers are counted by address, and bad tokens count too.
    const anonymous: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      anonymous.push(
        (await ask(replicaA, "{ provinces { code } }", { token: i === 0 ? "bad.token.here" : undefined }))
          .status,
      );
    }
    expect(anonymous).toEqual([401, 200, 200, 200, 200, 429]);
  });

  it("in safelist mode runs only the published operations", async () => {
    const safelisted = await stack.startGateway({ SAFELIST: "on" });
    const { readFile } = await import("node:fs/promises");
    const profile = await readFile(
      new URL("../../../schema/operations/CitizenProfile.graphql", import.meta.url),
      "utf8",
    );
    const hash = createHash("sha256").update(profile).digest("hex");
    const token = await tokens.sign(OFFICER_40);
    const byHash = await safelisted.post(
      { variables: { id: people.own.id }, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      { authorization: `Bearer ${token}` },
    );
    expect(byHash.status).toBe(200);
    expect(((await byHash.json()) as GraphQLBody).data?.citizen).toMatchObject({
      fullName: people.own.fullName,
    });
    const adHoc = await ask(safelisted, '{ citizen(id: "1") { fullName } }', { token });
    expect(adHoc.status).toBe(400);
    expect(codesOf(adHoc.body)).toEqual(["OPERATION_NOT_ALLOWED"]);
    const introspection = await ask(safelisted, "{ __schema { types { name } } }");
    expect(codesOf(introspection.body)).toEqual(["OPERATION_NOT_ALLOWED"]);
    // An unknown hash is a final 400 here, not the APQ protocol's invitation to register the text.
    const unknown = await safelisted.post({
      extensions: { persistedQuery: { version: 1, sha256Hash: "ab".repeat(32) } },
    });
    expect(unknown.status).toBe(400);
    const unknownBody = (await unknown.json()) as GraphQLBody;
    expect(unknownBody.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(unknownBody.data).toBeUndefined();
  });
});
