import {
  defaultFieldResolver,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isObjectType,
} from "graphql";

/** Receives a hooked field's value once it is complete; never called when the field failed. */
export type FieldDone = (value: unknown) => void;

/** Runs as a hooked field starts resolving, with its request's state; may ask for the field's value. */
export type FieldHook<State> = (
  state: State,
  args: Record<string, unknown>,
  info: GraphQLResolveInfo,
) => FieldDone | undefined;

export type FieldHookFor<State> = (
  type: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
) => FieldHook<State> | undefined;

/** Values and lists of values as graphql-js completes them: a promise settles, a list of promises settles as a whole. */
function whenComplete(result: unknown, done: FieldDone): void {
  if (isThenable(result)) {
    result.then((value) => whenComplete(value, done), ignoreFailure);
  } else if (Array.isArray(result) && result.some(isThenable)) {
    Promise.all(result).then(done, ignoreFailure);
  } else {
    done(result);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

// The failure itself reaches graphql-js through the promise it was given; this branch only stops listening.
function ignoreFailure(): void {}

/**
 * Wraps the resolver of each field `hookFor` picks, and only those, so that what a request's answer needs to know
 * about its fields (cache hints, cache tags) costs nothing on the other fields. Apollo Server's `willResolveField`
 * would instead wrap every field of the schema and call every plugin on each of them. `stateOf` finds the request's
 * state from the resolver context; a context without one (a request no plugin saw start) runs the field unhooked.
 */
export function hookFields<State>(
  schema: GraphQLSchema,
  stateOf: (context: unknown) => State | undefined,
  hookFor: FieldHookFor<State>,
): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) {
      const hook = hookFor(type, field);
      if (!hook) continue;
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const state = stateOf(context);
        const done = state === undefined ? undefined : hook(state, args, info);
        const result = resolve(source, args, context, info);
        if (done) whenComplete(result, done);
        return result;
      };
    }
  }
}
