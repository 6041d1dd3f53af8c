// ESLint for the site's JavaScript (flat config; `make eslint`). The site's modules run in the browser,
// with no globals of their own (each imports what it uses); early.js is the one classic script (in
// the head, before the first paint); the node tests (tests/js) run in Node.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "site_build/", ".venv/", "var/", "out/", "build/"] },
  js.configs.recommended,
  {
    files: ["site/assets/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser } },
    rules: {
      "no-implicit-globals": "error",
      "no-restricted-globals": ["error", { name: "Allavie", message: "import from site/assets/js/lib/ instead" }],
      "no-restricted-properties": ["error",
        { object: "window", property: "Allavie", message: "import from site/assets/js/lib/ instead" },
        { property: "innerHTML", message: "text only: textContent (lib/dom.js el), never HTML" },
        { property: "outerHTML", message: "text only: textContent (lib/dom.js el), never HTML" },
        { property: "insertAdjacentHTML", message: "text only: textContent (lib/dom.js el), never HTML" }],
      "no-unused-vars": ["error", { args: "none", caughtErrors: "none" }],
      "eqeqeq": ["error", "smart"],
    },
  },
  {
    files: ["site/assets/js/early.js"],
    languageOptions: { sourceType: "script" },
  },
  {
    files: ["site/assets/js/lib/**/*.js"],
    rules: {
      // The shared modules are imported by the node tests too: nothing runs on import but plain code.
      "no-restricted-syntax": ["error", {
        selector: "Program > ExpressionStatement",
        message: "a lib/ module only declares and exports: nothing may run when it is imported",
      }],
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
];
