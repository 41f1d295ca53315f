// ESLint: the recommended JavaScript and typescript-eslint rules over the TypeScript sources.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "packages/*/dist/",
      ".pulumi/",
      ".test-work/",
      "toolchain/",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Dynamic-provider code must `require` inside functions so the serialized provider stays small.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
);
