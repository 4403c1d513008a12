import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node (and so `npm start`) loads graphql's CommonJS build for everyone; vite would hand our sources the .mjs
    // build while @apollo/gateway and @apollo/composition use the CommonJS one: two realms, "Cannot use
    // GraphQLObjectType from another module". One build for all, as in production.
    alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // Integration suites start real processes on loopback ports; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
