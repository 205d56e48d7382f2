/**
 * A published JSON Schema (Draft 7) from an Effect Schema: the root written out (no top-level
 * "$ref", which Draft 7 validators read differently beside other keywords), its parts under
 * "definitions", and the contract's $id.
 */
import { JsonSchema, Schema } from "effect"

const refPrefix = "#/definitions/"

export const draft7 = (schema: Schema.Top, id: string): Record<string, unknown> => {
  const document = JsonSchema.toDocumentDraft07(
    // Extra properties are refused, as the decoder refuses them.
    Schema.toJsonSchemaDocument(schema, { onExcessProperty: "error" }),
  )
  const definitions: Record<string, JsonSchema.JsonSchema> = { ...document.definitions }
  let root = document.schema
  // An identified root is a lone "$ref" to its own definition: write that definition out instead.
  const ref = root.$ref
  if (typeof ref === "string" && ref.startsWith(refPrefix) && Object.keys(root).length === 1) {
    const name = ref.slice(refPrefix.length)
    root = definitions[name] ?? root
    delete definitions[name]
  }
  return {
    $schema: JsonSchema.META_SCHEMA_URI_DRAFT_07,
    $id: id,
    ...root,
    ...(Object.keys(definitions).length === 0 ? {} : { definitions }),
  }
}
