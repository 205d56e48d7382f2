/**
 * A published JSON Schema (Draft 7) from an Effect Schema: the root written out (no top-level
 * "$ref", which Draft 7 validators read differently beside other keywords), its parts under
 * "definitions", and the contract's $id.
 */
import { JSONSchema, type Schema } from "effect"

export const draft7 = (schema: Schema.Schema.Any, id: string): Record<string, unknown> => {
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const root = JSONSchema.fromAST(schema.ast, {
    definitions,
    definitionPath: "#/definitions/",
    topLevelReferenceStrategy: "skip",
  })
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: id,
    ...root,
    ...(Object.keys(definitions).length === 0 ? {} : { definitions }),
  }
}
