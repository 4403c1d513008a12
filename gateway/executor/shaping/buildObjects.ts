import type { SchemaFacts } from "./schemaFacts.ts";
import { describeLastPathElement, shapingError } from "./shapeErrors.ts";
import type { FragmentPlan, SelectionPlan, ValuePlan } from "./shapePlan.ts";
import { HAS_ERRORS, INVALID, readOwn, type ShapeRun, writeKey } from "./shapeRun.ts";

type Input = Record<string, unknown>;

/** Applies a selection set to one input object, into `output`; true when a null bubbles up past the object. */
export type ApplySelections = (input: Input, output: Input, run: ShapeRun, parentTypeName: string) => boolean;

/** Apollo's `updateOutputValue`: the value so far (undefined the first time a response name is met) and the input. */
type CompleteValue = (previous: unknown, input: unknown, run: ShapeRun, parentTypeName: string) => unknown;

/**
 * Compiles plans into closures that build the answer as objects, following `computeResponse` step by step: a
 * response name met twice merges into the value built the first time, exactly as Apollo does.
 */
export function createObjectBuilder(
  facts: Pick<SchemaFacts, "compositeTypeNames" | "objectTypeNames" | "typeNames">,
) {
  const compiled = new Map<readonly SelectionPlan[], ApplySelections>();

  function selections(plans: readonly SelectionPlan[]): ApplySelections {
    let apply = compiled.get(plans);
    if (!apply) {
      const steps = plans.map(step);
      apply = (input, output, run, parentTypeName) => {
        for (let i = 0; i < steps.length; i++) {
          if ((steps[i] as ApplySelections)(input, output, run, parentTypeName)) return true;
        }
        return false;
      };
      compiled.set(plans, apply);
    }
    return apply;
  }

  function step(plan: SelectionPlan): ApplySelections {
    const apply = plan.kind === "fragment" ? fragment(plan) : keyed(plan);
    const { skip } = plan;
    // Most selections carry no @skip/@include: only the others pay for the test.
    if (skip === null) return apply;
    return (input, output, run, parentTypeName) =>
      !skip(run.variables) && apply(input, output, run, parentTypeName);
  }

  function keyed(plan: Exclude<SelectionPlan, FragmentPlan>): ApplySelections {
    const { key, keyIsInherited } = plan;
    // Only `__proto__` needs defineProperty: a plain assignment would change the output's prototype.
    const defines = key === "__proto__";
    switch (plan.kind) {
      case "introspection": {
        const { resolve } = plan;
        return (_input, output, run) => {
          if ((keyIsInherited ? readOwn(output, key) : output[key]) === undefined) {
            writeKey(output, key, resolve(run.variables.provided), defines);
          }
          return false;
        };
      }
      case "typename":
        return (input, output, _run, parentTypeName) => {
          if ((keyIsInherited ? readOwn(output, key) : output[key]) !== undefined) return false;
          // The input's __typename (under the alias first) wins when it names a type of the API schema; a name
          // that is not an object type (an @interfaceObject's interface whose follow-up fetch failed) nulls the
          // object without an error, as Apollo does.
          let value = (keyIsInherited ? readOwn(input, key) : input[key]) ?? null;
          if (value === null && key !== "__typename") value = input.__typename ?? null;
          const typeName = typeof value === "string" && facts.typeNames.has(value) ? value : parentTypeName;
          if (!facts.objectTypeNames.has(typeName)) return true;
          writeKey(output, key, typeName, defines);
          return false;
        };
      case "field": {
        const complete = value(plan.value, hasSelections(plan.value));
        return (input, output, run, parentTypeName) => {
          const previous = keyIsInherited ? readOwn(output, key) : output[key];
          const inputValue = (keyIsInherited ? readOwn(input, key) : input[key]) ?? null;
          run.path.push(key);
          writeKey(output, key, complete(previous, inputValue, run, parentTypeName), defines);
          run.path.pop();
          return (run.flags & INVALID) !== 0;
        };
      }
    }
  }

  function fragment(plan: FragmentPlan): ApplySelections {
    const { appliesTo, typeCondition } = plan;
    const inner = selections(plan.selections);
    return (input, output, run, parentTypeName) => {
      if (appliesTo !== null) {
        const typename = input.__typename;
        if (typename && typeof typename !== "string") {
          throw new Error(`Got unexpected value for __typename: ${typename}`);
        }
        if (!appliesTo.has(typename ? (typename as string) : parentTypeName)) return false;
      }
      return inner(input, output, run, typeCondition ?? parentTypeName);
    };
  }

  function value(plan: ValuePlan, withSelections: boolean): CompleteValue {
    switch (plan.kind) {
      case "nonNull": {
        const inner = value(plan.ofType, withSelections);
        const { innerDescription } = plan;
        return (previous, input, run, parentTypeName) => {
          if (previous === null || (previous !== undefined && !withSelections)) {
            run.flags = 0;
            return previous;
          }
          const updated = inner(previous, input, run, parentTypeName);
          if (updated === null) {
            if ((run.flags & HAS_ERRORS) === 0) {
              const element = describeLastPathElement(run.path, innerDescription, parentTypeName);
              run.errors.push(shapingError(`Cannot return null for non-nullable ${element}.`, run.path));
            }
            run.flags = INVALID | HAS_ERRORS;
            return null;
          }
          run.flags = 0;
          return updated;
        };
      }
      case "list": {
        const inner = value(plan.ofType, withSelections);
        const { description } = plan;
        return (previous, input, run, parentTypeName) => {
          run.flags = 0;
          if (previous === null || (previous !== undefined && !withSelections)) return previous;
          if (input === null) return null;
          if (!Array.isArray(input)) {
            throw new Error(
              `Invalid non-list value ${input} returned by subgraph for list type ${description}`,
            );
          }
          const previousList = previous as unknown[] | undefined;
          if (
            previousList !== undefined &&
            (!Array.isArray(previousList) || previousList.length !== input.length)
          ) {
            throw new Error(
              `Invalid non-list value ${previousList} returned by subgraph for list type ${description}`,
            );
          }
          const { path } = run;
          // Filled by push: a packed array, which JSON.stringify walks faster than a preallocated (holey) one.
          const output: unknown[] = [];
          let nullify = false;
          let hasErrors = false;
          path.push(0);
          const last = path.length - 1;
          for (let index = 0; index < input.length; index++) {
            const element: unknown = input[index];
            if (element === undefined)
              throw new Error("Should not pass undefined for `inputValue` to this method");
            path[last] = index;
            output.push(inner(previousList?.[index], element, run, parentTypeName));
            if ((run.flags & INVALID) !== 0) nullify = true;
            if ((run.flags & HAS_ERRORS) !== 0) hasErrors = true;
          }
          path.pop();
          run.flags = hasErrors ? HAS_ERRORS : 0;
          return nullify ? null : output;
        };
      }
      case "composite": {
        const apply = selections(plan.selections);
        const { typeName, description } = plan;
        const { compositeTypeNames } = facts;
        return (previous, input, run, parentTypeName) => {
          run.flags = 0;
          if (previous === null || input === null) return null;
          if (typeof input !== "object") {
            throw new Error(
              `Invalid non-object value ${input} returned by subgraph for composite type ${description}`,
            );
          }
          const object = input as Input;
          const typename = object.__typename;
          if (typename !== undefined && typeof typename !== "string") {
            throw new Error(`Invalid non-string value ${typename} for __typename at ${run.path}`);
          }
          let objectTypeName = typeName;
          if (typename) {
            // An object whose __typename is not in the API schema (an @inaccessible implementation) becomes null;
            // the message names the query's types only, so the hidden name does not leak.
            if (!compositeTypeNames.has(typename)) {
              const element = describeLastPathElement(run.path, description, parentTypeName);
              run.errors.push(shapingError(`Invalid __typename found for object at ${element}.`, run.path));
              run.flags = HAS_ERRORS;
              return null;
            }
            objectTypeName = typename;
          }
          const output = previous === undefined ? {} : (previous as Input);
          if (apply(object, output, run, objectTypeName)) {
            run.flags = HAS_ERRORS;
            return null;
          }
          return output;
        };
      }
      case "leaf": {
        const { check, description } = plan;
        return (previous, input, run, parentTypeName) => {
          run.flags = 0;
          if (previous !== undefined) return previous;
          if (input === null || check === null || check(input)) return input;
          const element = describeLastPathElement(run.path, description, parentTypeName);
          run.errors.push(shapingError(`Invalid value found for ${element}.`, run.path));
          run.flags = HAS_ERRORS;
          return null;
        };
      }
    }
  }

  return { selections };
}

export function hasSelections(plan: ValuePlan): boolean {
  return plan.kind === "composite" || (plan.kind !== "leaf" && hasSelections(plan.ofType));
}
