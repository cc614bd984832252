// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-exe/", "test-dist/", "node_modules/", "bench/results/", "coverage/", ".tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        URL: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='exec'][callee.object.name='child_process']",
          message: "Never run a shell string: use spawn/execFile with an argument array.",
        },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-dynamic-delete": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    // The CLI's two entries (the full CLI and the cached path's, see scripts/build.mjs) and what they share.
    ignores: ["src/cli.ts", "src/cli-cached.ts", "src/cli-io.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "exit", message: "Only the CLI's entries exit the process." },
        { object: "process", property: "env", message: "Core modules take env as an argument." },
      ],
    },
  },
);
