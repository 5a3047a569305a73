// @actions/workflow-parser imports its JSON schema without an import attribute (it is written for bundlers);
// Node needs `with { type: "json" }`, which this loader hook supplies for .json modules.
export async function load(url, context, nextLoad) {
  if (url.endsWith(".json")) {
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: "json" } });
  }
  return nextLoad(url, context);
}
