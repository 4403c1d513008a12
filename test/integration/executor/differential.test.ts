// Our query-plan executor against Apollo Gateway's, over the real stack: two gateways over the same subgraphs,
// identical but for EXECUTOR (own | apollo), with every cache and dedup off so both execute. Each request goes to
// Apollo's executor first and ours second; the answers (status and body) must be byte for byte the same.
// `scripts/executorDifferential.ts` does the same over The Guild's federation audit.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessGroup } from "../../../bench/harness/processes.ts";
import { type SubgraphStack, startGuildStack } from "../../../bench/harness/stacks.ts";
import { WORKLOADS } from "../../../bench/harness/workloads.ts";
import type { Answer } from "../../../scripts/executorDifferential/answer.ts";
import { EXECUTE_EVERY_QUERY_ENV, EXECUTORS } from "../../../scripts/executorDifferential/executorPair.ts";
import { startTestGateway, type TestGateway } from "../../support/gateway.ts";
import {
  citizenDossiersOfACommune,
  type OperationName,
  readOperation,
  type Stack,
  type StackGateway,
  startStack,
} from "../../support/stack.ts";

type CallerId = "anonymous" | "officer" | "pii" | "elsewhere" | "noScopes";

interface Fixture {
  commune: string;
  dossier: string;
  citizen: string;
  household: string;
}

interface DifferentialCase {
  name: string;
  query: string | (() => Promise<string>);
  variables?: (fixture: Fixture) => Record<string, unknown>;
  operationName?: string;
  caller?: CallerId;
  /** Error codes Apollo's answer must carry, so that the case exercises what its name says. */
  codes?: string[];
}

const PATIENT_MS = 120_000;
const GENEROUS_MS = 300_000;

const OFFICER_SCOPES = ["population:read", "dossier:read"];

const canonical = (name: OperationName, variables: DifferentialCase["variables"], caller?: CallerId) => ({
  name,
  query: () => readOperation(name),
  variables,
  caller,
});

const CANONICAL: DifferentialCase[] = [
  canonical("ProvinceDashboard", () => ({ code: "40", from: "2025-01-01", to: "2025-10-31" })),
  canonical("CommunePortal", (f) => ({ commune: f.commune, dossier: f.dossier })),
  canonical("CitizenProfile", (f) => ({ id: f.citizen }), "officer"),
  canonical("NationalOverview", undefined),
];

const ADDITIONAL: DifferentialCase[] = [
  {
    name: "aliases, the same field twice with different arguments",
    query: `{
      north: province(code: "01") { label: name count: communeCount }
      ngheAn: province(code: "40") {
        r57: taskProgress(program: RESOLUTION_57) { completionRate }
        p6: taskProgress(program: PROJECT_06) { completionRate overdue }
        thisYear: dossierStats(from: "2025-01-01") { received }
        ever: dossierStats { received }
      }
    }`,
  },
  {
    name: "named and inline fragments, nested, on entities of three subgraphs",
    query: `query Fragments($commune: ID!) {
      commune(code: $commune) { ...Unit province { ...ProvinceUnit } }
    }
    fragment Unit on Commune { code name populationStats { ...Population } ... on Commune { type } }
    fragment ProvinceUnit on Province { code ... on Province { type enterpriseStats { active } } }
    fragment Population on PopulationStats { total male female }`,
    variables: (f) => ({ commune: f.commune }),
  },
  ...[true, false].map((flag) => ({
    name: `@skip and @include with variables (${flag})`,
    query: `query Directives($with: Boolean!, $without: Boolean!) {
      province(code: "40") {
        name
        populationStats @include(if: $with) { total }
        enterpriseStats @skip(if: $with) { active }
        communes(type: WARD) @skip(if: $without) { code dossierStats @include(if: $with) { received } }
        ... on Province @include(if: $without) { communeCount }
      }
    }`,
    variables: () => ({ with: flag, without: !flag }),
  })),
  {
    name: "__typename at the root, on entities and on values from other subgraphs",
    query: `{
      __typename
      province(code: "40") {
        __typename
        communes(type: COMMUNE) { __typename code populationStats { __typename total } enterpriseStats { __typename } }
      }
    }`,
  },
  {
    name: "nested entities across all four subgraphs",
    query: `query Nested($commune: ID!) {
      commune(code: $commune) {
        name
        populationStats { total households }
        enterpriseStats { total active }
        dossierStats { received onTimeRate }
        province {
          name
          populationStats { total }
          enterpriseStats { registeredThisYear }
          dossierStats { overdue }
          procedureCount
        }
      }
      procedures(filter: { level: COMMUNE }, first: 3) { edges { node { code name agency } } }
    }`,
    variables: (f) => ({ commune: f.commune }),
  },
  {
    name: "a listing whose entities join back to reporting and population",
    query: `query Enterprises($commune: ID!) {
      enterprises(filter: { communeCode: $commune }, first: 5) {
        totalCount
        edges {
          cursor
          node {
            code name status legalForm mainIndustry { name }
            headOffice { commune { name province { name } } }
            legalRepresentative { maskedId fullName household { id } }
          }
        }
        pageInfo { hasNextPage endCursor }
      }
    }`,
    variables: (f) => ({ commune: f.commune }),
    caller: "officer",
  },
  {
    name: "a union with inline fragments, scoped fields granted",
    query: `query Dossier($code: ID!) {
      dossier(code: $code) {
        code status channel receivedAt dueAt overdue
        applicant { __typename ... on Citizen { maskedId fullName } ... on Enterprise { code name } }
        history { at status note }
        procedure { name level }
        province { name }
        commune { name populationStats { total } }
      }
    }`,
    variables: (f) => ({ code: f.dossier }),
    caller: "officer",
  },
  {
    name: "the same union anonymously: scoped fields put back as null with errors",
    query: `query Dossier($code: ID!) {
      dossier(code: $code) { code status applicant { __typename ... on Citizen { fullName } } history { status } }
    }`,
    variables: (f) => ({ code: f.dossier }),
    codes: ["UNAUTHENTICATED"],
  },
  {
    name: "a citizen anonymously",
    query: `query Citizen($id: ID!) { citizen(id: $id) { fullName household { id } } }`,
    variables: (f) => ({ id: f.citizen }),
    codes: ["UNAUTHENTICATED"],
  },
  {
    name: "a citizen for an officer of another province",
    query: `query Citizen($id: ID!) { citizen(id: $id) { fullName representedEnterprises { code } } }`,
    variables: (f) => ({ id: f.citizen }),
    caller: "elsewhere",
    codes: ["FORBIDDEN"],
  },
  {
    name: "a citizen with a token without scopes",
    query: `query Citizen($id: ID!) { citizen(id: $id) { fullName } province(code: "40") { name } }`,
    variables: (f) => ({ id: f.citizen }),
    caller: "noScopes",
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "personal id and address line without population:pii",
    query: `query Citizen($id: ID!) {
      citizen(id: $id) { id maskedId permanentResidence { line commune { name } } currentResidence { line } }
    }`,
    variables: (f) => ({ id: f.citizen }),
    caller: "officer",
    codes: ["UNAUTHORIZED"],
  },
  {
    name: "personal id and address line with population:pii",
    query: `query Citizen($id: ID!) {
      citizen(id: $id) { id maskedId dateOfBirth gender permanentResidence { line commune { name } } }
    }`,
    variables: (f) => ({ id: f.citizen }),
    caller: "pii",
  },
  {
    name: "a household: head, members and their entities in three subgraphs",
    query: `query Household($id: ID!) {
      household(id: $id) {
        id
        commune { name province { name } }
        head { fullName dossiers(first: 2) { totalCount edges { node { code status } } } representedEnterprises { code } }
        members { maskedId gender household { id } }
      }
    }`,
    variables: (f) => ({ id: f.household }),
    caller: "officer",
  },
  {
    name: "a list of citizens with an unknown id among them",
    query: `query Citizens($ids: [ID!]!) { citizens(ids: $ids) { maskedId fullName } }`,
    variables: (f) => ({ ids: [f.citizen, "040099999999", f.citizen] }),
    caller: "officer",
  },
  {
    name: "dossiers listed by scope, their applicants joined to population and business",
    query: `query Dossiers($commune: ID!) {
      dossiers(filter: { communeCode: $commune }, first: 5) {
        totalCount
        edges { node { code applicant { ... on Citizen { fullName representedEnterprises { name } } ... on Enterprise { name status } } } }
      }
    }`,
    variables: (f) => ({ commune: f.commune }),
    caller: "officer",
  },
  {
    name: "a non-null scoped root field anonymously: null propagates to data",
    query: `query Dossiers($commune: ID!) { dossiers(filter: { communeCode: $commune }) { totalCount } }`,
    variables: (f) => ({ commune: f.commune }),
    codes: ["UNAUTHENTICATED"],
  },
  {
    name: "tasks with pagination and entities of communes",
    query: `{
      province(code: "40") {
        tasks(program: RESOLUTION_57, first: 3) {
          totalCount
          edges { cursor node { id title status dueDate commune { name populationStats { total } } } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }`,
  },
  {
    name: "not found: unknown codes of every kind",
    query: `{
      province(code: "99") { name }
      commune(code: "99999") { name }
      procedure(code: "9.999999") { name }
      dossier(code: "H40-251112-9999") { status }
    }`,
  },
  {
    name: "invalid argument: a page larger than 100, beside a field that succeeds",
    query: `{ province(code: "40") { name } procedures(first: 500) { totalCount } }`,
    codes: ["BAD_USER_INPUT"],
  },
  {
    name: "invalid arguments: malformed enterprise and dossier codes, beside a field that succeeds",
    query: `{ enterprise(code: "0000000000") { name } dossier(code: "NOT-A-DOSSIER") { status } province(code: "01") { name } }`,
    codes: ["BAD_USER_INPUT"],
  },
  {
    name: "invalid argument: an enterprise filter without a unit",
    query: `{ enterprises(filter: {}) { totalCount } }`,
    codes: ["BAD_USER_INPUT"],
  },
  {
    name: "invalid argument: a malformed cursor",
    query: `{ procedures(first: 2, after: "not-a-cursor") { totalCount edges { node { code } } } }`,
    codes: ["BAD_USER_INPUT"],
  },
  {
    name: "a field the schema does not have",
    query: `{ province(code: "40") { name governor } }`,
    codes: ["GRAPHQL_VALIDATION_FAILED"],
  },
  {
    name: "a variable of the wrong type",
    query: `query Province($code: ID!) { province(code: $code) { name } }`,
    variables: () => ({ code: { not: "an id" } }),
    codes: ["BAD_USER_INPUT"],
  },
  {
    name: "one operation of a document chosen by operationName",
    query: `query First { platformRollout { item provincesCompleted } }
      query Second { nationalTaskProgress(program: PLAN_02) { assigned completionRate } provinces { code name } }`,
    operationName: "Second",
  },
];

// Run after the others: the business subgraph is stopped for good.
const SUBGRAPH_DOWN: DifferentialCase[] = [
  {
    name: "business down: an entity field of a province and of each of its communes",
    query: `{ province(code: "40") { name enterpriseStats { active } communes(type: WARD) { code enterpriseStats { active } } } }`,
    codes: ["SUBGRAPH_UNAVAILABLE"],
  },
  {
    name: "business down: a root field beside fields of the other subgraphs",
    query: `{ nationalTaskProgress(program: RESOLUTION_57) { assigned } enterprise(code: "0000000000") { name } }`,
    codes: ["SUBGRAPH_UNAVAILABLE"],
  },
  {
    ...canonical("NationalOverview", undefined),
    name: "business down: NationalOverview",
    codes: ["SUBGRAPH_UNAVAILABLE"],
  },
];

let stack: Stack;
let apollo: StackGateway;
let own: StackGateway;
let fixture: Fixture;
const tokens = {} as Record<CallerId, string | null>;

beforeAll(async () => {
  // Both gateways take the stack's environment: apollo is the stack's own gateway, ours is started beside it. The
  // simulator's first national statistics take tens of seconds on a loaded 2-core machine: a timeout there would
  // compare two SUBGRAPH_UNAVAILABLE answers instead of two executions.
  stack = await startStack({
    gatewayEnv: { ...EXECUTE_EVERY_QUERY_ENV, EXECUTOR: "apollo", SUBGRAPH_TIMEOUT_MS: String(PATIENT_MS) },
    subgraphEnv: { UPSTREAM_TIMEOUT_MS: String(PATIENT_MS) },
  });
  apollo = stack.gateway;
  own = await stack.startGateway({ EXECUTOR: "own" });
  const { commune, dossiers } = await citizenDossiersOfACommune(stack.sandbox);
  const filed = dossiers[0]!;
  const citizen = await stack.sandbox.get<{ householdId: string }>(
    `/population/v1/citizens/${filed.applicant.id}`,
  );
  fixture = { commune, dossier: filed.code, citizen: filed.applicant.id, household: citizen.householdId };
  tokens.anonymous = null;
  tokens.officer = await stack.token({ scopes: OFFICER_SCOPES, province: "40" });
  tokens.pii = await stack.token({ scopes: [...OFFICER_SCOPES, "population:pii"] });
  tokens.elsewhere = await stack.token({ scopes: OFFICER_SCOPES, province: "01" });
  tokens.noScopes = await stack.token({ scopes: [] });
}, GENEROUS_MS);

afterAll(async () => {
  await stack?.stop();
}, GENEROUS_MS);

async function answerOf(
  gateway: Pick<StackGateway, "post">,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await gateway.post(body, headers);
  return { status: response.status, body: await response.text() };
}

const errorCodes = (answer: Answer): unknown[] =>
  ((JSON.parse(answer.body) as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? []).map(
    (error) => error.extensions?.code,
  );

/** Apollo's executor first, ours second; the same request bytes and caller to both. */
async function expectSameAnswers(testCase: DifferentialCase) {
  const query = typeof testCase.query === "string" ? testCase.query : await testCase.query();
  const body = { query, variables: testCase.variables?.(fixture), operationName: testCase.operationName };
  const token = tokens[testCase.caller ?? "anonymous"];
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const oracle = await answerOf(apollo, body, headers);
  const ours = await answerOf(own, body, headers);
  expect(oracle.body).toMatch(/^\{/);
  // Apollo's answer in the message: on a loaded machine a subgraph timeout would otherwise read as a wrong code.
  for (const code of testCase.codes ?? []) expect(errorCodes(oracle), oracle.body).toContain(code);
  if (!testCase.codes) expect(errorCodes(oracle), oracle.body).toEqual([]);
  expect(ours).toEqual(oracle);
}

describe(`the four canonical operations: ${CANONICAL.length} queries, byte-identical answers from both executors`, () => {
  for (const testCase of CANONICAL) {
    it(testCase.name, () => expectSameAnswers(testCase), GENEROUS_MS);
  }
});

describe(`${ADDITIONAL.length} more queries over our schema, byte-identical answers from both executors`, () => {
  for (const testCase of ADDITIONAL) {
    it(testCase.name, () => expectSameAnswers(testCase), GENEROUS_MS);
  }
});

describe(`a subgraph down: ${SUBGRAPH_DOWN.length} queries, byte-identical answers from both executors`, () => {
  beforeAll(() => stack.stopSubgraph("business"), GENEROUS_MS);
  for (const testCase of SUBGRAPH_DOWN) {
    it(testCase.name, () => expectSameAnswers(testCase), GENEROUS_MS);
  }
});

describe("the Guild benchmark query: 1 query, byte-identical answers from both executors", () => {
  const processes = createProcessGroup();
  let workDir: string | undefined;
  let guild: SubgraphStack | undefined;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "executor-differential-guild-"));
    guild = await startGuildStack({ processes, workDir, baseEnv: { PATH: process.env.PATH } });
    for (const executor of EXECUTORS) {
      gateways.push(
        await startTestGateway({
          env: {
            ...EXECUTE_EVERY_QUERY_ENV,
            LOG_LEVEL: "silent",
            SUPERGRAPH_PATH: guild.supergraphPath,
            EXECUTOR: executor,
          },
        }),
      );
    }
  }, GENEROUS_MS);

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop();
    await guild?.stop();
    await processes.stopAll();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, GENEROUS_MS);

  it(
    "users and top products, reviews and authors five levels deep",
    async () => {
      const [body] = await WORKLOADS.guild.bodies({ sandboxUrl: null });
      const [apolloGateway, ownGateway] = gateways;
      const oracle = await answerOf(apolloGateway!, body);
      const ours = await answerOf(ownGateway!, body);
      expect(oracle.status).toBe(200);
      expect(JSON.parse(oracle.body).data.topProducts.length).toBeGreaterThan(0);
      expect(ours).toEqual(oracle);
    },
    GENEROUS_MS,
  );
});
