"""The official Python SDK with a PayloadCodec written here, from docs/operations.md alone, to
weft's payload encryption: the other side of weft's encryption interop test.

The codec reads weft's key file format (`<key id> <base64 key>` lines, `#` comments, commas
between keys; the first key encrypts) and stores payloads as Temporal's encryption samples do:
metadata encoding=binary/encrypted and encryption-key-id=<id>; data = 12-byte nonce, then the
AES-256-GCM ciphertext of the serialized Payload, then the 16-byte tag. AES-GCM comes from
OpenSSL's libcrypto through ctypes, so that the test needs no package beyond the SDK.

Usage:
  codec_interop.py worker <address> <task-queue> <key-file>
      serves the workflow `py-codec-echo` and its activity with the codec; prints "ready"
  codec_interop.py run <address> <task-queue> <workflow> <workflow-id> <input-json> <key-file>
                       [<encrypt-with-key-id>]
      starts a workflow with the codec (encrypting with the given key, else the first) and
      prints {"result": ...}
  codec_interop.py raw <address> <workflow-id> <marker>
      reads the run's history without any codec and prints what the server holds: whether
      <marker> appears anywhere in it, and every payload's encoding and key id
"""

import asyncio
import base64
import ctypes
import ctypes.util
import dataclasses
import json
import os
import sys
from datetime import timedelta
from typing import Iterable, List

import temporalio.converter
from google.protobuf.message import Message
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload, SearchAttributes
from temporalio.api.history.v1 import History
from temporalio.client import Client
from temporalio.converter import PayloadCodec
from temporalio.worker import Worker

_crypto = ctypes.CDLL(ctypes.util.find_library("crypto"))
_crypto.EVP_CIPHER_CTX_new.restype = ctypes.c_void_p
_crypto.EVP_CIPHER_CTX_free.argtypes = [ctypes.c_void_p]
_crypto.EVP_aes_256_gcm.restype = ctypes.c_void_p
for _name in ("EVP_EncryptInit_ex", "EVP_DecryptInit_ex"):
    getattr(_crypto, _name).argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.c_char_p, ctypes.c_char_p]
for _name in ("EVP_EncryptUpdate", "EVP_DecryptUpdate"):
    getattr(_crypto, _name).argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int]
for _name in ("EVP_EncryptFinal_ex", "EVP_DecryptFinal_ex"):
    getattr(_crypto, _name).argtypes = [ctypes.c_void_p, ctypes.c_void_p,
                                        ctypes.POINTER(ctypes.c_int)]
_crypto.EVP_CIPHER_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                        ctypes.c_void_p]
_GCM_SET_IVLEN, _GCM_GET_TAG, _GCM_SET_TAG = 0x9, 0x10, 0x11
_NONCE, _TAG = 12, 16


def _check(ok: int, what: str) -> None:
    if ok != 1:
        raise ValueError(f"OpenSSL: {what} failed")


def seal(key: bytes, plain: bytes) -> bytes:
    nonce = os.urandom(_NONCE)
    context = _crypto.EVP_CIPHER_CTX_new()
    try:
        _check(_crypto.EVP_EncryptInit_ex(context, _crypto.EVP_aes_256_gcm(), None, None, None),
               "init")
        _check(_crypto.EVP_CIPHER_CTX_ctrl(context, _GCM_SET_IVLEN, _NONCE, None), "iv length")
        _check(_crypto.EVP_EncryptInit_ex(context, None, None, key, nonce), "key")
        out = ctypes.create_string_buffer(len(plain) + 16)
        written = ctypes.c_int(0)
        _check(_crypto.EVP_EncryptUpdate(context, ctypes.addressof(out), ctypes.byref(written),
                                         plain, len(plain)), "encrypt")
        final = ctypes.c_int(0)
        _check(_crypto.EVP_EncryptFinal_ex(context, ctypes.addressof(out) + written.value,
                                           ctypes.byref(final)), "final")
        tag = ctypes.create_string_buffer(_TAG)
        _check(_crypto.EVP_CIPHER_CTX_ctrl(context, _GCM_GET_TAG, _TAG, tag), "tag")
        return nonce + out.raw[:written.value + final.value] + tag.raw
    finally:
        _crypto.EVP_CIPHER_CTX_free(context)


def open_sealed(key: bytes, sealed: bytes) -> bytes:
    nonce, body, tag = sealed[:_NONCE], sealed[_NONCE:-_TAG], sealed[-_TAG:]
    context = _crypto.EVP_CIPHER_CTX_new()
    try:
        _check(_crypto.EVP_DecryptInit_ex(context, _crypto.EVP_aes_256_gcm(), None, None, None),
               "init")
        _check(_crypto.EVP_CIPHER_CTX_ctrl(context, _GCM_SET_IVLEN, _NONCE, None), "iv length")
        _check(_crypto.EVP_DecryptInit_ex(context, None, None, key, nonce), "key")
        out = ctypes.create_string_buffer(len(body) + 16)
        written = ctypes.c_int(0)
        _check(_crypto.EVP_DecryptUpdate(context, ctypes.addressof(out), ctypes.byref(written),
                                         body, len(body)), "decrypt")
        tag_buffer = ctypes.create_string_buffer(tag, _TAG)
        _check(_crypto.EVP_CIPHER_CTX_ctrl(context, _GCM_SET_TAG, _TAG, tag_buffer), "set tag")
        final = ctypes.c_int(0)
        _check(_crypto.EVP_DecryptFinal_ex(context, ctypes.addressof(out) + written.value,
                                           ctypes.byref(final)), "authenticate")
        return out.raw[:written.value + final.value]
    finally:
        _crypto.EVP_CIPHER_CTX_free(context)


def read_keys(path: str) -> List[tuple]:
    """The key file as docs/operations.md describes it: [(id, key bytes)], first one first."""
    keys = []
    with open(path) as text:
        for line in text:
            for entry in line.split("#", 1)[0].split(","):
                words = entry.split()
                if words:
                    key_id, encoded = words
                    keys.append((key_id, base64.b64decode(encoded)))
    return keys


class WeftKeysCodec(PayloadCodec):
    def __init__(self, key_file: str, encrypt_with: str = "") -> None:
        super().__init__()
        self.keys = dict(read_keys(key_file))
        self.encrypt_with = encrypt_with or read_keys(key_file)[0][0]

    async def encode(self, payloads: Iterable[Payload]) -> List[Payload]:
        key = self.keys[self.encrypt_with]
        return [Payload(metadata={"encoding": b"binary/encrypted",
                                  "encryption-key-id": self.encrypt_with.encode()},
                        data=seal(key, p.SerializeToString())) for p in payloads]

    async def decode(self, payloads: Iterable[Payload]) -> List[Payload]:
        out = []
        for p in payloads:
            if p.metadata.get("encoding", b"") != b"binary/encrypted":
                out.append(p)
                continue
            key_id = p.metadata["encryption-key-id"].decode()
            out.append(Payload.FromString(open_sealed(self.keys[key_id], p.data)))
        return out


def converter(key_file: str, encrypt_with: str = ""):
    return dataclasses.replace(temporalio.converter.default(),
                               payload_codec=WeftKeysCodec(key_file, encrypt_with))


@activity.defn(name="py_codec_shout")
async def shout(text: str) -> str:
    return text.upper() + "!"


@workflow.defn(name="py-codec-echo")
class CodecEcho:
    @workflow.run
    async def run(self, order: dict) -> dict:
        shouted = await workflow.execute_activity(
            shout, order["secret"], start_to_close_timeout=timedelta(seconds=10))
        return {"echo": order, "shouted": shouted}


async def serve(address: str, queue: str, key_file: str) -> None:
    client = await Client.connect(address, data_converter=converter(key_file))
    async with Worker(client, task_queue=queue, workflows=[CodecEcho], activities=[shout]):
        print("ready", flush=True)
        await asyncio.Event().wait()


async def run(address: str, queue: str, name: str, workflow_id: str, argument: str,
              key_file: str, encrypt_with: str = "") -> None:
    client = await Client.connect(address, data_converter=converter(key_file, encrypt_with))
    result = await client.execute_workflow(name, json.loads(argument), id=workflow_id,
                                           task_queue=queue,
                                           execution_timeout=timedelta(seconds=60))
    print(json.dumps({"result": result}))


def payloads_of(message: Message, path: str = ""):
    """Every Payload in `message` with its path, search attributes left out (never encoded)."""
    if isinstance(message, Payload):
        yield path, message
        return
    if isinstance(message, SearchAttributes):
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        name = f"{path}.{field.name}" if path else field.name
        if field.message_type.GetOptions().map_entry:
            if field.message_type.fields_by_name["value"].message_type is not None:
                for key, item in value.items():
                    yield from payloads_of(item, f"{name}[{key}]")
        elif not isinstance(value, Message):  # a repeated field
            for index, item in enumerate(value):
                yield from payloads_of(item, f"{name}[{index}]")
        else:
            yield from payloads_of(value, name)


async def raw(address: str, workflow_id: str, marker: str) -> None:
    client = await Client.connect(address)  # no codec: what anyone reading the server sees
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    proto = History(events=history.events)
    found = []
    for path, payload in payloads_of(proto):
        found.append({"path": path,
                      "encoding": payload.metadata.get("encoding", b"").decode(),
                      "key_id": payload.metadata.get("encryption-key-id", b"").decode()})
    print(json.dumps({"marker_in_history": marker.encode() in proto.SerializeToString(),
                      "events": len(proto.events),
                      "payloads": found}))


if __name__ == "__main__":
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "worker":
        asyncio.run(serve(*arguments))
    elif command == "run":
        asyncio.run(run(*arguments))
    elif command == "raw":
        asyncio.run(raw(*arguments))
    else:
        sys.exit(f"unknown command {command}")
    # What it had to say is said; the SDK's core threads can abort the interpreter's
    # finalization (PyGILState_Release), which must not turn a finished command into a failure.
    sys.stdout.flush()
    os._exit(0)
