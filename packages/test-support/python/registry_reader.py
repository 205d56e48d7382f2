"""An independent reader of registry-format records, for the tests: Confluent's own Python client
(confluent-kafka) and its Schema Registry deserializers decode the first COUNT records of a topic
(Avro and JSON Schema through the registry, each record with its writer's schema; Protobuf with a class
compiled by protoc from the latest .proto of the topic's subject, as a consumer reads). One JSON line per record on stdout: partition, offset, schema id, value.

python3 registry_reader.py BOOTSTRAP TOPIC COUNT avro|protobuf|json-schema REGISTRY_URL
"""
import datetime
import decimal
import importlib
import json
import os
import struct
import sys
import tempfile
import uuid

from confluent_kafka import Consumer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext


def plain(value):
    """What json.dumps cannot write, as JSON: instants in ISO-8601 with milliseconds, decimals as numbers."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"cannot write {type(value)}")


def protobuf_class(registry, subject):
    """The message class of the subject's latest .proto, compiled by protoc (grpcio-tools)."""
    from google.protobuf import json_format  # noqa: F401 (checks the runtime is there)
    import grpc_tools
    from grpc_tools import protoc

    folder = tempfile.mkdtemp()
    with open(os.path.join(folder, "customer_event.proto"), "w") as f:
        f.write(registry.get_latest_version(subject).schema.schema_str)
    include = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    if protoc.main(["protoc", f"-I{folder}", f"-I{include}", f"--python_out={folder}", "customer_event.proto"]) != 0:
        raise SystemExit("protoc could not compile the registry's .proto")
    sys.path.insert(0, folder)
    return importlib.import_module("customer_event_pb2").CustomerEvent


def main():
    bootstrap, topic, count, fmt, url = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
    # Bounded, so that a registry or broker that stops answering fails the test with a reason, not a hang.
    registry = SchemaRegistryClient({"url": url, "timeout": 30})
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"registry-reader-{uuid.uuid4()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "socket.timeout.ms": 30000,
    })
    consumer.subscribe([topic])
    deserialize = None
    seen = 0
    idle = 0
    while seen < count and idle < 60:
        message = consumer.poll(1.0)
        if message is None:
            idle += 1
            continue
        if message.error():
            raise SystemExit(f"consumer error: {message.error()}")
        idle = 0
        schema_id = struct.unpack(">bI", message.value()[:5])[1]
        if deserialize is None:
            if fmt == "avro":
                deserialize = AvroDeserializer(registry)
            elif fmt == "json-schema":
                deserialize = JSONDeserializer(None, schema_registry_client=registry)
            else:
                from google.protobuf import json_format
                reader = protobuf_class(registry, f"{topic}-value")
                decode = ProtobufDeserializer(reader, {"use.deprecated.format": False})
                deserialize = lambda data, ctx: json_format.MessageToDict(  # noqa: E731
                    decode(data, ctx), preserving_proto_field_name=True
                )
        value = deserialize(message.value(), SerializationContext(topic, MessageField.VALUE))
        line = {"partition": message.partition(), "offset": message.offset(), "schemaId": schema_id, "value": value}
        print(json.dumps(line, default=plain))
        seen += 1
    consumer.close()
    if seen < count:
        raise SystemExit(f"read {seen} of {count} records of {topic}, then nothing for {idle} s")


main()
