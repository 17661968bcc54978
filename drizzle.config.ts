import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema.ts and committed; they are applied by
// `okoro migrate`, on first start of the embedded database, and by the test suites.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema.ts",
  out: "./db/migrations",
});
