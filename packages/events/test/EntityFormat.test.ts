import { describe, expect, test } from "bun:test"
import avro from "avsc"
import { Result } from "effect"
import { Catalog, EntityFormat, Reference, WireFormat } from "../src/index.js"
import { protoType } from "../src/internal/protoCodec.js"

const products = [...Reference.products(Catalog.makeCatalog(300))]
const customers = [...Reference.customers(2000)]
const formats = ["avro", "protobuf", "json-schema"] as const

describe("EntityFormat", () => {
  for (const format of formats)
    test(`${format}: every product and customer comes back the same, through the wire format`, () => {
      for (const [entity, values] of [
        ["product", products],
        ["customer", customers],
      ] as const) {
        const codec = EntityFormat.payloadCodec(entity, format)
        const framed = WireFormat.encoder(format, 3, codec)(values)
        framed.forEach((value, i) => {
          const payload = Result.getOrThrow(WireFormat.read(value, format)).payload
          expect(Result.getOrThrow(EntityFormat.decodePayload(entity, codec, payload))).toEqual(values[i]!)
        })
      }
    })

  test("the schemas use the native types: decimal prices, enums for category, region and tier", () => {
    const product = JSON.parse(EntityFormat.schemaText("product", "avro"))
    avro.Type.forSchema(product)
    expect(product.name).toBe("Product")
    expect(product.fields.find((f: { name: string }) => f.name === "unitPrice").type).toMatchObject({
      logicalType: "decimal",
      scale: 2,
    })
    const customer = JSON.parse(EntityFormat.schemaText("customer", "avro"))
    expect(
      customer.fields.map((f: { type: { type?: string; name?: string } }) => f.type.name ?? f.type),
    ).toEqual(["string", "string", "Region", "Tier", "string"])
    expect(EntityFormat.recordName("customer")).toBe("customer_events.Customer")
    const proto = protoType(
      EntityFormat.schemaText("product", "protobuf"),
      EntityFormat.recordName("product"),
    )
    expect(proto.fieldsArray.map((f) => f.name)).toEqual([
      "product_id",
      "name",
      "category",
      "unit_price_cents",
    ])
  })

  test("a payload that is not the entity is a message, not a throw", () => {
    const codec = EntityFormat.payloadCodec("customer", "avro")
    expect(Result.isFailure(EntityFormat.decodePayload("customer", codec, Buffer.from([0xff, 0xff])))).toBe(
      true,
    )
  })
})
