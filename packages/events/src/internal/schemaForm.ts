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
  /** May be absent (a later version's addition): null by default in Avro, `optional` in Protobuf. */
  readonly optional?: true
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

const sameSymbols = (a: ReadonlyArray<string> | undefined, b: ReadonlyArray<string>) =>
  a !== undefined && a.length === b.length && a.every((s, i) => s === b[i])

/** An enum's name: by its schema, or (an optional key copies the schema's AST) by its symbols. */
const enumNameOf = (ast: SchemaAST.AST, naming: Naming): string | undefined => {
  const named = naming.enums.get(ast)
  if (named !== undefined) return named
  const symbols = literalsOf(ast)
  if (symbols === undefined) return undefined
  for (const [schema, name] of naming.enums) if (sameSymbols(literalsOf(schema), symbols)) return name
  return undefined
}

const isOptional = (ast: SchemaAST.AST) => ast.context?.isOptional === true

const fieldOf = (name: string, type: FieldType, ast: SchemaAST.AST): Field =>
  isOptional(ast) ? { name, type, optional: true } : { name, type }

const fieldType = (ast: SchemaAST.AST, name: string, naming: Naming): FieldType => {
  const special = naming.special.get(ast)
  if (special !== undefined) return { kind: special }
  const enumName = enumNameOf(ast, naming)
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
    fields: ast.propertySignatures.map((p) =>
      fieldOf(String(p.name), fieldType(p.type, String(p.name), naming), p.type),
    ),
  }
}

/** A struct schema's record form, named `name`. */
export const recordForm = (ast: SchemaAST.AST, name: string, naming: Naming): RecordForm =>
  ast._tag === "Objects" ? recordOf(ast, name, naming) : fail(`${name} (not a struct)`)

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
    if (same) return fieldOf(name, fieldType(p.type, name, naming), p.type)
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

const symbolNames = new Map<string, string>()

/**
 * An enum value as Avro and Protobuf name it: any character a name cannot hold becomes "_". Looked up
 * per event on the hot path: each distinct value (the contract's enums only) is computed once.
 */
export const symbolName = (value: string): string => {
  const known = symbolNames.get(value)
  if (known !== undefined) return known
  const name = value.replace(/[^A-Za-z0-9_]/gu, "_")
  symbolNames.set(value, name)
  return name
}

export const capitalized = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
