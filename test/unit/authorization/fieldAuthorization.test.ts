import { execute, type GraphQLFormattedError, parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { ANONYMOUS, type Caller } from "../../../common/caller.ts";
import { createAuthorizationPolicy } from "../../../gateway/authorization/authorizationPolicy.ts";
import { applyAuthorization, authorizeOperation } from "../../../gateway/authorization/fieldAuthorization.ts";
import { caller, composeFixture } from "./fixture.ts";

const { supergraphSdl, apiSchema } = composeFixture();
const policy = createAuthorizationPolicy(supergraphSdl);

const citizen = {
  __typename: "Citizen",
  id: "040123456789",
  maskedId: "040******789",
  fullName: "Nguyễn Văn A",
  residence: { communeCode: "16681", line: "Xóm 3" },
  household: { __typename: "Household", id: "H-1", size: 4 },
};
const enterprise = {
  __typename: "Enterprise",
  code: "2900123456",
  name: "Công ty TNHH Sen Vàng",
  legalRepresentative: citizen,
  office: { communeCode: "16681", line: "Số 1 Lê Lợi" },
};
const dossierOf = (code: string, applicant: unknown) => ({
  code,
  status: "PROCESSING",
  applicant,
  history: [{ at: "2025-07-01", note: "received" }],
});
const rootValue = {
  citizen: () => citizen,
  citizens: () => [citizen, null, citizen],
  node: () => citizen,
  whoami: () => "officer-1",
  opsNote: () => "ops",
  publicNote: () => "hello",
  dossier: ({ code }: { code: string }) => dossierOf(code, code === "D-E" ? enterprise : citizen),
  dossiers: () => [dossierOf("D-C", citizen), dossierOf("D-E", enterprise)],
};

/** Authorize, execute the rewritten document as the gateway would, then put nulls and errors back. */
async function run(query: string, who: Caller, variables?: Record<string, unknown>) {
  const authorized = authorizeOperation({
    schema: apiSchema,
    policy,
    document: parse(query),
    operationName: undefined,
    variables,
    caller: who,
  });
  const executed = await execute({
    schema: apiSchema,
    document: authorized.document,
    rootValue,
    variableValues: variables,
  });
  const formatted = {
    data: executed.data as Record<string, unknown> | null | undefined,
    errors: executed.errors?.map((e) => e.toJSON()) as GraphQLFormattedError[] | undefined,
  };
  const response = applyAuthorization(formatted, authorized);
  return { ...response, document: print(authorized.document), authorized };
}

const codes = (errors: readonly GraphQLFormattedError[] | undefined) =>
  (errors ?? []).map((e) => [e.path?.join("."), e.extensions?.code]);

describe("field authorization", () => {
  it("leaves an operation the caller may fully see untouched", async () => {
    const query = "{ citizen(id: 1) { maskedId fullName } publicNote }";
    const result = await run(query, caller(["population:read"]));
    expect(result.authorized.document).toEqual(expect.objectContaining({ kind: "Document" }));
    expect(result.authorized.denied).toEqual([]);
    expect(result.data).toEqual({
      citizen: { maskedId: "040******789", fullName: "Nguyễn Văn A" },
      publicNote: "hello",
    });
    expect(result.errors).toBeUndefined();
  });

  it("nulls a protected field, keeps its siblings and reports one UNAUTHORIZED error at its path", async () => {
    const result = await run(
      "{ citizen(id: 1) { fullName residence { communeCode line } } }",
      caller(["population:read"]),
    );
    expect(result.document).not.toContain("line");
    expect(result.data).toEqual({
      citizen: { fullName: "Nguyễn Văn A", residence: { communeCode: "16681", line: null } },
    });
    expect(codes(result.errors)).toEqual([["citizen.residence.line", "UNAUTHORIZED"]]);
  });

  it("bubbles a removed non-null field up to the nearest nullable parent", async () => {
    const result = await run("{ citizen(id: 1) { id fullName } publicNote }", caller(["population:read"]));
    expect(result.data).toEqual({ citizen: null, publicNote: "hello" });
    expect(codes(result.errors)).toEqual([["citizen.id", "UNAUTHORIZED"]]);
    expect(result.errors?.[0]?.message).toMatch(/Citizen\.id requires .*population:pii/);
  });

  it("answers UNAUTHENTICATED to an anonymous caller and still resolves the public part", async () => {
    const result = await run("{ citizen(id: 1) { fullName } whoami publicNote }", ANONYMOUS);
    expect(result.data).toEqual({ citizen: null, whoami: null, publicNote: "hello" });
    expect(codes(result.errors)).toEqual([
      ["citizen", "UNAUTHENTICATED"],
      ["whoami", "UNAUTHENTICATED"],
    ]);
  });

  it("applies a type's requirement to every field returning it, whatever the alias", async () => {
    const result = await run(
      "{ a: citizen(id: 1) { fullName } b: publicNote c: citizen(id: 2) { maskedId } }",
      caller(["dossier:read"]),
    );
    expect(result.data).toEqual({ a: null, b: "hello", c: null });
    expect(codes(result.errors)).toEqual([
      ["a", "UNAUTHORIZED"],
      ["c", "UNAUTHORIZED"],
    ]);
    // `citizens` is non-null: as in any GraphQL response, its null takes the whole data with it.
    const list = await run("{ list: citizens(ids: [1]) { fullName } publicNote }", caller(["dossier:read"]));
    expect(list.data).toBeNull();
    expect(codes(list.errors)).toEqual([["list", "UNAUTHORIZED"]]);
  });

  it("catches protected fields smuggled through aliases and named fragments", async () => {
    const query = `
      query { citizen(id: 1) { ...Visible secret: id } citizens(ids: [1]) { ...Pii } }
      fragment Visible on Citizen { fullName home: residence { line } }
      fragment Pii on Citizen { maskedId number: id }`;
    const result = await run(query, caller(["population:read"]));
    expect(result.document).not.toMatch(/secret|number|line/);
    expect(result.data).toEqual({ citizen: null, citizens: [null, null, null] });
    expect(codes(result.errors)).toEqual([
      ["citizen.home.line", "UNAUTHORIZED"],
      ["citizen.secret", "UNAUTHORIZED"],
      ["citizens.number", "UNAUTHORIZED"],
    ]);
  });

  it("trims inline fragments on a union per member type and leaves other members alone", async () => {
    const query = `{
      dossiers {
        code
        applicant {
          ... on Citizen { fullName }
          ... on Enterprise { name legalRepresentative { maskedId } }
        }
      }
    }`;
    const officer = await run(query, caller(["dossier:read"]));
    expect(officer.data).toEqual({
      dossiers: [
        { code: "D-C", applicant: null },
        { code: "D-E", applicant: { name: "Công ty TNHH Sen Vàng", legalRepresentative: null } },
      ],
    });
    expect(codes(officer.errors)).toEqual([
      ["dossiers.applicant.fullName", "UNAUTHORIZED"],
      ["dossiers.applicant.legalRepresentative", "UNAUTHORIZED"],
    ]);
    expect(JSON.stringify(officer.data)).not.toContain("_authzTypename");

    const full = await run(query, caller(["dossier:read", "population:read"]));
    expect(full.errors).toBeUndefined();
    expect(full.data).toEqual({
      dossiers: [
        { code: "D-C", applicant: { fullName: "Nguyễn Văn A" } },
        {
          code: "D-E",
          applicant: { name: "Công ty TNHH Sen Vàng", legalRepresentative: { maskedId: "040******789" } },
        },
      ],
    });
  });

  it("nulls a parent whose whole selection was removed and reports each removed field", async () => {
    const result = await run(
      '{ dossier(code: "D-C") { code applicant { ... on Citizen { maskedId } } } }',
      caller(["dossier:read"]),
    );
    expect(result.data).toEqual({ dossier: { code: "D-C", applicant: null } });
    expect(codes(result.errors)).toEqual([["dossier.applicant.maskedId", "UNAUTHORIZED"]]);
    // history is [Event!]!: its removal nulls the (nullable) dossier around it.
    const history = await run('{ dossier(code: "D-C") { code history { at } } }', caller([]));
    expect(history.data).toEqual({ dossier: null });
    expect(codes(history.errors)).toEqual([["dossier.history", "UNAUTHORIZED"]]);
    const nested = await run(
      '{ dossier(code: "D-E") { applicant { ... on Enterprise { office { line } } } } }',
      caller(["dossier:read"]),
    );
    // office is Address!: emptied, it is nulled, and the null climbs to the nullable applicant.
    expect(nested.data).toEqual({ dossier: { applicant: null } });
    expect(codes(nested.errors)).toEqual([["dossier.applicant.office.line", "UNAUTHORIZED"]]);
  });

  it("guards interface fields by every implementation's requirements", async () => {
    const query = "{ node(id: 1) { ... on Household { size } id } }";
    const reader = await run(query, caller(["population:read"]));
    expect(reader.data).toEqual({ node: null });
    expect(codes(reader.errors)).toEqual([["node.id", "UNAUTHORIZED"]]);
    const pii = await run(query, caller(["population:read", "population:pii"]));
    expect(pii.errors).toBeUndefined();
    expect(pii.data).toEqual({ node: { id: "040123456789" } });
  });

  it("honours scope alternatives on a root field", async () => {
    const query = "{ opsNote }";
    expect((await run(query, caller(["ops:read"]))).data).toEqual({ opsNote: null });
    expect((await run(query, caller(["ops:read", "ops:write"]))).data).toEqual({ opsNote: "ops" });
    expect((await run(query, caller(["admin"]))).data).toEqual({ opsNote: "ops" });
  });

  it("does not report fields the operation skips", async () => {
    const query = "query ($pii: Boolean!) { citizen(id: 1) { fullName id @include(if: $pii) } }";
    const skipped = await run(query, caller(["population:read"]), { pii: false });
    expect(skipped.errors).toBeUndefined();
    expect(skipped.data).toEqual({ citizen: { fullName: "Nguyễn Văn A" } });
    const included = await run(query, caller(["population:read"]), { pii: true });
    expect(codes(included.errors)).toEqual([["citizen.id", "UNAUTHORIZED"]]);
    const byDefault = "query ($pii: Boolean = true) { citizen(id: 1) { fullName id @include(if: $pii) } }";
    expect(codes((await run(byDefault, caller(["population:read"]))).errors)).toEqual([
      ["citizen.id", "UNAUTHORIZED"],
    ]);
    const unusable = authorizeOperation({
      schema: apiSchema,
      policy,
      document: parse(query),
      operationName: undefined,
      variables: { pii: "not a boolean" },
      caller: caller(["population:read"]),
    });
    expect(unusable.denied.map((d) => d.path.join("."))).toEqual(["citizen.id"]);
  });

  it("gives callers with different scopes different documents for the same text", () => {
    const document = parse("{ citizen(id: 1) { fullName id } }");
    const authorize = (who: Caller) =>
      print(
        authorizeOperation({
          schema: apiSchema,
          policy,
          document,
          operationName: undefined,
          variables: {},
          caller: who,
        }).document,
      );
    expect(authorize(caller(["population:read"]))).not.toBe(
      authorize(caller(["population:read", "population:pii"])),
    );
  });

  it("refuses to expand a fragment bomb", () => {
    const levels = Array.from(
      { length: 16 },
      (_, i) => `fragment F${i} on Citizen { ...F${i + 1} a${i}: maskedId ...F${i + 1} }`,
    );
    const query = `{ citizen(id: 1) { ...F0 } } ${levels.join(" ")} fragment F16 on Citizen { fullName }`;
    expect(() =>
      authorizeOperation({
        schema: apiSchema,
        policy,
        document: parse(query),
        operationName: undefined,
        variables: {},
        caller: caller(["population:read"]),
      }),
    ).toThrow(/too large/);
  });
});
