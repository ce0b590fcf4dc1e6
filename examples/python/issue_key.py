"""Issue an API key from Python: sign a Tenancy command, produce it, read its result and open the
one-time secret sealed to this command's reply key.

The secret never travels: the command carries an HMAC-SHA256 signature under a key derived from it
for the one service it is sent to (docs/messages.md, deploy/asyncapi.yaml). Needs confluent-kafka and
pyhpke (pinned in deploy/local/python-requirements.txt). Environment: TENANCY_BOOTSTRAP_SERVERS,
TENANCY_TOPIC_PREFIX (default tenancy), TENANCY_CLIENT_ID, TENANCY_CLIENT_SECRET.
Usage: python issue_key.py WORKSPACE_ID   (prints the result, the new key's secret opened)
"""
import base64, datetime, hashlib, hmac, json, os, secrets, sys, time, uuid

from confluent_kafka import Consumer, Producer, TopicPartition
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyhpke import AEADId, CipherSuite, KDFId, KEMId, KEMKey


def signing_key(secret: str, service: str) -> bytes:
    return hmac.new(b"TNCY1" + secret.encode(), b"tenancy signing key v1\x00" + service.encode(), hashlib.sha256).digest()


def authorization(secret: str, service: str, signer: str, headers: dict, key: str, value: bytes) -> str:
    lines = ["TNCY1-HMAC-SHA256", "command", service, signer, headers["ce_id"], headers["ce_type"], headers["ce_time"],
             headers.get("ce_subject", ""), key, headers.get("ce_replykey", ""), hashlib.sha256(value).hexdigest()]
    signature = hmac.new(signing_key(secret, service), "\n".join(lines).encode(), hashlib.sha256).hexdigest()
    return f"TNCY1-HMAC-SHA256 Credential={signer}/{service}, Signature={signature}"


def open_secrets(sealed: dict, reply_key: X25519PrivateKey, command_id: str) -> dict:
    suite = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)
    recipient = suite.create_recipient_context(base64.b64decode(sealed["enc"]), KEMKey.from_pyca_cryptography_key(reply_key),
                                               info=b"tenancy result secrets v1\x00" + command_id.encode())
    return json.loads(recipient.open(base64.b64decode(sealed["ciphertext"])))


def uuid7() -> str:
    """A new command id: UUID version 7 (RFC 9562), time-ordered, which the services index cheaply."""
    milliseconds, random = time.time_ns() // 1_000_000, int.from_bytes(os.urandom(10), "big")
    value = (milliseconds & (1 << 48) - 1) << 80 | 0x7 << 76 | (random >> 62 & 0xfff) << 64 | 0b10 << 62 | random & (1 << 62) - 1
    return str(uuid.UUID(int=value))


def main() -> int:
    env, workspace = os.environ, sys.argv[1]
    prefix = env.get("TENANCY_TOPIC_PREFIX", "tenancy")
    kafka = {"bootstrap.servers": env.get("TENANCY_BOOTSTRAP_SERVERS", "127.0.0.1:9092")}
    reply_key = X25519PrivateKey.generate()  # a new one per command: only this run can open its result
    now = datetime.datetime.now(datetime.timezone.utc)
    command_id = uuid7()
    headers = {
        "ce_specversion": "1.0", "ce_id": command_id, "ce_type": "tenancy.lifecycle.IssueAPIKey.v1",
        "ce_source": "/examples/python", "ce_time": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        "ce_subject": workspace, "content-type": "application/json",
        "ce_replykey": base64.urlsafe_b64encode(reply_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).rstrip(b"=").decode(),
        # A new W3C trace per command (CloudEvents distributed-tracing extension): the services
        # continue it, so the command's whole path shows as one trace. Not covered by the signature.
        "ce_traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01",
    }
    value = json.dumps({"scopes": ["workspace.read"]}).encode()
    headers["authorization"] = authorization(env["TENANCY_CLIENT_SECRET"], "lifecycle", env["TENANCY_CLIENT_ID"], headers, workspace, value)

    # Read the results topic from its end before producing, so the result cannot slip by.
    results = prefix + ".command-results"
    consumer = Consumer({**kafka, "group.id": "tenancy-example", "enable.auto.commit": False})
    partitions = consumer.list_topics(results, timeout=10).topics[results].partitions
    consumer.assign([TopicPartition(results, p, consumer.get_watermark_offsets(TopicPartition(results, p), timeout=10)[1])
                     for p in partitions])
    producer = Producer(kafka)
    producer.produce(prefix + ".lifecycle.commands", key=workspace, value=value, headers=list(headers.items()))
    producer.flush(10)
    deadline = time.time() + 30
    while time.time() < deadline:
        message = consumer.poll(0.5)
        if message is None or message.error() or dict(message.headers() or []).get("ce_subject") != command_id.encode():
            continue
        result = json.loads(message.value())
        if result.get("service") != "lifecycle":
            continue  # the same command id sent to another service is another command
        if "sealed_secrets" in result:
            result["secrets"] = open_secrets(result.pop("sealed_secrets"), reply_key, command_id)
        print(json.dumps(result))
        return 0 if result["status"] == "accepted" else 1
    print(f"no result for {command_id} within 30 s", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
