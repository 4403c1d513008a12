// Which entity fetches of one plan step may go to their subgraph as one `_entities` request, and the request they
// become.
import type { FetchNode } from "@apollo/query-planner";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { createEntityFetchBatcher } from "../../../gateway/executor/batchedEntityFetch.ts";

const schema = buildSchema(`
  type Query { unit: Unit }
  interface Unit { code: ID! }
  type Province implements Unit { code: ID! total: Int }
  type Commune implements Unit { code: ID! total: Int }
`);

function entityFetch(name: string, variables: string, selection: string): FetchNode {
  return {
    kind: "Fetch",
    serviceName: "population",
    requires: [{ kind: "InlineFragment", typeCondition: "Province", selections: [] }],
    operation: `query ${name}($representations:[_Any!]!${variables}){_entities(representations:$representations){${selection}}}`,
    operationName: name,
    operationKind: "query" as FetchNode["operationKind"],
  };
}

describe("createEntityFetchBatcher", () => {
  it("joins fetches on distinct types into one operation, variables and selections side by side", () => {
    const batcher = createEntityFetchBatcher(schema);
    const province = entityFetch("Op__population__1", ",$year:Int", "...on Province{total}");
    const commune = entityFetch("Op__population__2", ",$year:Int,$from:Int", "...on Commune{total}");
    expect(batcher.group([province, commune])).toEqual([[province, commune]]);
    const joined = batcher.operation([province, commune]);
    expect(joined.query).toBe(
      "query Op__population__1($representations:[_Any!]!$year:Int$from:Int){_entities(representations:$representations){...on Province{total}...on Commune{total}}}",
    );
    expect(joined.operationName).toBe("Op__population__1");
    // Printed once per plan: the same members give the same object.
    expect(batcher.operation([province, commune])).toBe(joined);
  });

  it("keeps apart fetches whose entities could overlap or whose variables disagree", () => {
    const batcher = createEntityFetchBatcher(schema);
    const province = entityFetch("A", "", "...on Province{total}");
    const anyUnit = entityFetch("B", "", "...on Unit{code}");
    const provinceAgain = entityFetch("C", "", "...on Province{code}");
    expect(batcher.group([province, anyUnit, provinceAgain])).toEqual([
      [province],
      [anyUnit],
      [provinceAgain],
    ]);

    const intYear = entityFetch("D", ",$year:Int", "...on Province{total}");
    const stringYear = entityFetch("E", ",$year:String", "...on Commune{total}");
    expect(batcher.group([intYear, stringYear])).toEqual([[intYear], [stringYear]]);
  });
});
