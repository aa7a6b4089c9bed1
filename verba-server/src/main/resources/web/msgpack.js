// A small MessagePack codec: the subset the Kyutai protocol uses (maps with string keys, strings, numbers,
// booleans, nil, arrays, binary). Encodes numbers that are not integers as float64.
"use strict";
const msgpack = (() => {
  const utf8 = new TextEncoder();
  const utf8d = new TextDecoder();

  function encode(value) {
    const out = [];
    const view = new DataView(new ArrayBuffer(8));
    const push8 = (n) => out.push(n & 0xff);
    const push16 = (n) => { push8(n >> 8); push8(n); };
    const push32 = (n) => { push8(n >>> 24); push8(n >>> 16); push8(n >>> 8); push8(n); };
    const write = (v) => {
      if (v === null || v === undefined) return push8(0xc0);
      if (v === true) return push8(0xc3);
      if (v === false) return push8(0xc2);
      if (typeof v === "number") {
        if (Number.isInteger(v) && v >= 0 && v < 2 ** 32) {
          if (v < 128) return push8(v);
          if (v < 256) { push8(0xcc); return push8(v); }
          if (v < 65536) { push8(0xcd); return push16(v); }
          push8(0xce); return push32(v);
        }
        if (Number.isInteger(v) && v < 0 && v >= -(2 ** 31)) {
          if (v >= -32) return push8(v);
          push8(0xd2); return push32(v);
        }
        view.setFloat64(0, v);
        push8(0xcb);
        for (let i = 0; i < 8; i++) push8(view.getUint8(i));
        return;
      }
      if (typeof v === "string") {
        const b = utf8.encode(v);
        if (b.length < 32) push8(0xa0 | b.length);
        else if (b.length < 256) { push8(0xd9); push8(b.length); }
        else if (b.length < 65536) { push8(0xda); push16(b.length); }
        else { push8(0xdb); push32(b.length); }
        for (const x of b) push8(x);
        return;
      }
      if (v instanceof Uint8Array) {
        if (v.length < 256) { push8(0xc4); push8(v.length); }
        else if (v.length < 65536) { push8(0xc5); push16(v.length); }
        else { push8(0xc6); push32(v.length); }
        for (const x of v) push8(x);
        return;
      }
      if (Array.isArray(v) || v instanceof Float32Array) {
        if (v.length < 16) push8(0x90 | v.length);
        else if (v.length < 65536) { push8(0xdc); push16(v.length); }
        else { push8(0xdd); push32(v.length); }
        for (const x of v) write(x);
        return;
      }
      const keys = Object.keys(v);
      if (keys.length < 16) push8(0x80 | keys.length);
      else { push8(0xde); push16(keys.length); }
      for (const k of keys) { write(k); write(v[k]); }
    };
    write(value);
    return new Uint8Array(out);
  }

  function decode(buffer) {
    const bytes = new Uint8Array(buffer);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pos = 0;
    const str = (n) => { const s = utf8d.decode(bytes.subarray(pos, pos + n)); pos += n; return s; };
    const bin = (n) => { const b = bytes.slice(pos, pos + n); pos += n; return b; };
    const arr = (n) => {
      // Float32 arrays (Audio.pcm) are decoded straight into a Float32Array.
      if (n > 0 && bytes[pos] === 0xca) {
        const a = new Float32Array(n);
        for (let i = 0; i < n; i++) { pos++; a[i] = view.getFloat32(pos); pos += 4; }
        return a;
      }
      const a = new Array(n);
      for (let i = 0; i < n; i++) a[i] = read();
      return a;
    };
    const map = (n) => { const m = {}; for (let i = 0; i < n; i++) { const k = read(); m[k] = read(); } return m; };
    const read = () => {
      const t = bytes[pos++];
      if (t < 0x80) return t;
      if (t < 0x90) return map(t & 0x0f);
      if (t < 0xa0) return arr(t & 0x0f);
      if (t < 0xc0) return str(t & 0x1f);
      if (t >= 0xe0) return t - 256;
      let v;
      switch (t) {
        case 0xc0: return null;
        case 0xc2: return false;
        case 0xc3: return true;
        case 0xc4: v = bytes[pos]; pos += 1; return bin(v);
        case 0xc5: v = view.getUint16(pos); pos += 2; return bin(v);
        case 0xc6: v = view.getUint32(pos); pos += 4; return bin(v);
        case 0xca: v = view.getFloat32(pos); pos += 4; return v;
        case 0xcb: v = view.getFloat64(pos); pos += 8; return v;
        case 0xcc: return bytes[pos++];
        case 0xcd: v = view.getUint16(pos); pos += 2; return v;
        case 0xce: v = view.getUint32(pos); pos += 4; return v;
        case 0xcf: v = Number(view.getBigUint64(pos)); pos += 8; return v;
        case 0xd0: v = view.getInt8(pos); pos += 1; return v;
        case 0xd1: v = view.getInt16(pos); pos += 2; return v;
        case 0xd2: v = view.getInt32(pos); pos += 4; return v;
        case 0xd3: v = Number(view.getBigInt64(pos)); pos += 8; return v;
        case 0xd9: v = bytes[pos]; pos += 1; return str(v);
        case 0xda: v = view.getUint16(pos); pos += 2; return str(v);
        case 0xdb: v = view.getUint32(pos); pos += 4; return str(v);
        case 0xdc: v = view.getUint16(pos); pos += 2; return arr(v);
        case 0xdd: v = view.getUint32(pos); pos += 4; return arr(v);
        case 0xde: v = view.getUint16(pos); pos += 2; return map(v);
        case 0xdf: v = view.getUint32(pos); pos += 4; return map(v);
        default: throw new Error("unsupported msgpack type 0x" + t.toString(16));
      }
    };
    return read();
  }

  return { encode, decode };
})();
