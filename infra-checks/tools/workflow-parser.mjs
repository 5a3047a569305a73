// Parses workflow files with GitHub's own workflow parser (@actions/workflow-parser, the parser behind the
// Actions language service): schema validation against GitHub's current workflow schema, expression syntax and
// the model conversion (job graph, needs). Prints file name -> [error messages].
import { register } from "node:module";
import { readFileSync } from "node:fs";

register("./json-import-hook.mjs", import.meta.url);
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import("@actions/workflow-parser");

const result = {};
for (const file of process.argv.slice(2)) {
  const parsed = parseWorkflow({ name: file, content: readFileSync(file, "utf8") }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value !== undefined) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    for (const e of template.errors ?? []) {
      const message = e.Message ?? e.message ?? String(e);
      if (!errors.includes(message)) errors.push(message);
    }
  } else if (errors.length === 0) {
    errors.push("the workflow parser returned no workflow");
  }
  result[file] = errors;
}
process.stdout.write(JSON.stringify(result));
