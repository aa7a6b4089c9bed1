"""A Kyutai TTS streaming client that behaves like delayed-streams-modeling's scripts/tts_rust_server.py.

It connects to /api/tts_streaming with format=PcmMessagePack and the kyutai-api-key header, sends the text one
word per msgpack Text message, then Eos, reads until the server closes, and writes the audio to a 24 kHz WAV.
Unlike the original it also checks the protocol as it goes (Ready first, 1920-sample frames, Close 1000) and
exits with status 1 and a sentence when the server breaks it.

Usage: /usr/bin/python3 kyutai_tts_client.py INPUT.txt OUTPUT.wav [--url ws://127.0.0.1:8080] [--voice V] [--api-key K]
"""
import argparse
import asyncio
import inspect
import struct
import sys
import wave
from urllib.parse import urlencode

import msgpack
import websockets

SAMPLE_RATE = 24000
FRAME_SAMPLES = 1920


def connect(uri, headers):
    # websockets >= 14 names the argument additional_headers; Debian's older releases call it extra_headers.
    params = inspect.signature(websockets.connect).parameters
    if "additional_headers" in params:
        return websockets.connect(uri, additional_headers=headers, max_size=1 << 20)
    return websockets.connect(uri, extra_headers=headers, max_size=1 << 20)


async def run(args):
    with open(args.inp, "r", encoding="utf-8") as f:
        text = f.read().strip()
    uri = f"{args.url}/api/tts_streaming?{urlencode({'voice': args.voice, 'format': 'PcmMessagePack'})}"
    samples = []
    frames = 0
    async with connect(uri, {"kyutai-api-key": args.api_key}) as ws:
        for word in text.split():
            await ws.send(msgpack.packb({"type": "Text", "text": word}))
        await ws.send(msgpack.packb({"type": "Eos"}))
        first = True
        async for message in ws:
            if not isinstance(message, bytes):
                raise SystemExit("server sent a text frame; the protocol only uses binary frames")
            msg = msgpack.unpackb(message)
            kind = msg["type"]
            if first and kind != "Ready":
                raise SystemExit(f"first message is {kind}, expected Ready")
            first = False
            if kind == "Audio":
                if len(msg["pcm"]) != FRAME_SAMPLES:
                    raise SystemExit(f"Audio message of {len(msg['pcm'])} samples, expected {FRAME_SAMPLES}")
                samples.extend(msg["pcm"])
                frames += 1
            elif kind == "Error":
                raise SystemExit(f"server error: {msg['message']}")
            elif kind not in ("Ready", "Text"):
                raise SystemExit(f"unknown message type {kind}")
        if ws.close_code != 1000:
            raise SystemExit(f"server closed with {ws.close_code}, expected 1000")
    with wave.open(args.out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(b"".join(struct.pack("<h", int(max(-1.0, min(1.0, s)) * 32767)) for s in samples))
    print(f"{frames} frames, {len(samples) / SAMPLE_RATE:.2f} s written to {args.out}")


def main():
    parser = argparse.ArgumentParser(description="Kyutai TTS streaming client (tts_rust_server.py behaviour)")
    parser.add_argument("inp")
    parser.add_argument("out")
    parser.add_argument("--voice", default="expresso/ex03-ex01_happy_001_channel1_334s.wav")
    parser.add_argument("--url", default="ws://127.0.0.1:8080")
    parser.add_argument("--api-key", default="public_token")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
