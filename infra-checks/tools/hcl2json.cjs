// Parses Terraform files with HashiCorp's own HCL parser (hcl/v2, compiled to WebAssembly in @cdktf/hcl2json)
// and prints one JSON object: file name -> {"body": <the file as JSON>} or {"error": "<parser diagnostics>"}.
// Expressions stay as their source text ("${var.x}"), so references can be checked without evaluating anything.
"use strict";
const { parse } = require("@cdktf/hcl2json");
const { readFileSync } = require("node:fs");

(async () => {
  const result = {};
  for (const file of process.argv.slice(2)) {
    try {
      result[file] = { body: await parse(file, readFileSync(file, "utf8")) };
    } catch (e) {
      result[file] = { error: String(e && e.message ? e.message : e) };
    }
  }
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
