/**
 * The shape of a contract schema for the binary formats, read off its Effect Schema AST: records of
 * typed fields, enums, and a discriminated union flattened into one record (common fields, the
 * discriminator as an enum, the part that differs as a choice of records). The Avro schema and the
 * .proto file are both written from this form, so the Effect schemas stay the one source of truth.
 */
import type { SchemaAST } from "effect"

/** A field type: the special types are named by the schemas that define them (see `special`). */
export type FieldType =
  | { readonly kind: "string" | "uuid" | "timestamp" | "money" | "int" }
  | { readonly kind: "enum"; readonly name: string; readonly symbols: ReadonlyArray<string> }
  | { readonly kind: "record"; readonly record: RecordForm }
  | {
      readonly kind: "choice"
      /** The field of the enclosing record whose value picks the member. */
      readonly discriminator: string
      readonly members: ReadonlyArray<ChoiceMember>
    }

/** One member of a choice: the discriminator's value that selects it, and its record. */
export interface ChoiceMember {
  readonly tag: string
  readonly record: RecordForm
}

export interface Field {
  readonly name: string
  readonly type: FieldType
  /** Only present in the schema versions from `since` on. */
  readonly optional?: { readonly since: number; readonly default: string }
}

export interface RecordForm {
  readonly name: string
  readonly doc?: string
  readonly fields: ReadonlyArray<Field>
}

/** Types that are not plain strings, by the AST of the schema that defines them; and enum names. */
export interface Naming {
  readonly special: ReadonlyMap<SchemaAST.AST, "uuid" | "timestamp" | "money" | "int">
  readonly enums: ReadonlyMap<SchemaAST.AST, string>
}

const fail = (what: string): never => {
  throw new Error(`schemaForm: ${what} has no binary form`)
}

const description = (ast: SchemaAST.AST): string | undefined => {
  const doc = ast.annotations?.description
  return typeof doc === "string" ? doc : undefined
}

const identifier = (ast: SchemaAST.AST): string => {
  const id = ast.annotations?.identifier
  return typeof id === "string" ? id : fail("an unnamed record")
}

const literalsOf = (ast: SchemaAST.AST): ReadonlyArray<string> | undefined => {
  if (ast._tag === "Literal" && typeof ast.literal === "string") return [ast.literal]
  if (ast._tag !== "Union") return undefined
  const symbols = ast.types.map((t) => (t._tag === "Literal" ? t.literal : undefined))
  return symbols.every((s) => typeof s === "string") ? (symbols as Array<string>) : undefined
}

const fieldType = (ast: SchemaAST.AST, name: string, naming: Naming): FieldType => {
  const special = naming.special.get(ast)
  if (special !== undefined) return { kind: special }
  const enumName = naming.enums.get(ast)
  const symbols = literalsOf(ast)
  if (enumName !== undefined && symbols !== undefined) return { kind: "enum", name: enumName, symbols }
  if (ast._tag === "String") return { kind: "string" }
  if (ast._tag === "Objects") return { kind: "record", record: recordOf(ast, name, naming) }
  return fail(`field ${name} (${ast._tag})`)
}

const recordOf = (ast: SchemaAST.Objects, name: string, naming: Naming): RecordForm => {
  const doc = description(ast)
  return {
    name,
    ...(doc === undefined ? {} : { doc }),
    fields: ast.propertySignatures.map((p) => ({
      name: String(p.name),
      type: fieldType(p.type, String(p.name), naming),
    })),
  }
}

/**
 * A union of records that share every field but a discriminator (a literal) and one part that differs,
 * as one record named `name`: its discriminator an enum named `discriminatorType`, the part that
 * differs a choice of records named after each member (`PurchaseMetadata`).
 */
export const flattenedUnion = (
  ast: SchemaAST.AST,
  options: { readonly name: string; readonly discriminator: string; readonly discriminatorType: string },
  naming: Naming,
): RecordForm => {
  if (ast._tag !== "Union") return fail("a union expected")
  const members = ast.types.map((t) => (t._tag === "Objects" ? t : fail("a union member")))
  const first = members[0] ?? fail("an empty union")
  const tags = members.map((m) => {
    const p = m.propertySignatures.find((s) => s.name === options.discriminator)
    return literalsOf(p?.type ?? first)?.[0] ?? fail(`member without ${options.discriminator}`)
  })
  const fields = first.propertySignatures.map((p): Field => {
    const name = String(p.name)
    if (name === options.discriminator)
      return { name, type: { kind: "enum", name: options.discriminatorType, symbols: tags } }
    const same = members.every((m) => m.propertySignatures.find((s) => s.name === p.name)?.type === p.type)
    if (same) return { name, type: fieldType(p.type, name, naming) }
    const choice = members.map((m, i) => {
      const part = m.propertySignatures.find((s) => s.name === p.name)?.type
      if (part?._tag !== "Objects") return fail(`${name} of ${identifier(m)}`)
      return { tag: tags[i]!, record: recordOf(part, `${identifier(m)}${capitalized(name)}`, naming) }
    })
    return { name, type: { kind: "choice", discriminator: options.discriminator, members: choice } }
  })
  const doc = description(ast)
  return { name: options.name, ...(doc === undefined ? {} : { doc }), fields }
}

export const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
