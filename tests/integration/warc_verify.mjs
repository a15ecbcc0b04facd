// tests/integration/warc_verify.mjs — reads a WARC file with warcio.js (webrecorder's reader,
// independent of feedkeeper) and verifies every record: framing as warcio parses it, the block
// digest of every record and the payload digest of every response, recomputed here from the
// bytes warcio hands back (warcio.js has no verify mode); every revisit against the response it
// refers to (WARC 1.1 identical-payload-digest profile: same payload digest, its target URI and
// date, an HTTP head only); every request's WARC-Concurrent-To. Prints a JSON summary with the
// record types per target URI; exits 1 on any mismatch.
// Usage: node warc_verify.mjs NODE_MODULES_PARENT FILE.warc.gz
import { createRequire } from 'node:module';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

const [, , modulesParent, file] = process.argv;
const require = createRequire(path.join(path.resolve(modulesParent), 'package.json'));
const { WARCParser } = require('warcio');

function base32(bytes) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let bits = 0, value = 0, out = '';
    for (const byte of bytes) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
    while (out.length % 8 !== 0) out += '=';
    return out;
}

const sha256 = (bytes) => 'sha256:' + base32(createHash('sha256').update(bytes).digest());

function indexOfBlankLine(bytes) {
    for (let i = 0; i + 3 < bytes.length; ++i)
        if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i + 4;
    return -1;
}

const problems = [];
const summary = { records: 0, types: {}, block_digests_verified: 0, payload_digests_verified: 0, revisits_verified: 0, http_parsed: 0, targets: {} };
const payloads = new Map(); // record id -> payload digest computed from the raw block
const ids = new Set();
const refersTo = [];
const records = new Map(); // record id -> { type, target, date }
const revisits = [];       // [id, headers we check against what they refer to]
const requests = [];       // [id, concurrent-to, target]
const revisitProfile = 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest';

// Pass 1: raw blocks (no HTTP parsing): block digests, and payload digests from our own split.
for await (const record of new WARCParser(createReadStream(file), { parseHttp: false })) {
    const id = record.warcHeader('WARC-Record-ID');
    const type = record.warcType;
    const block = await record.readFully(false);
    summary.records += 1;
    summary.types[type] = (summary.types[type] || 0) + 1;
    ids.add(id);
    const target = record.warcTargetURI;
    records.set(id, { type, target, date: record.warcDate });
    if (target) {
        summary.targets[target] ??= {};
        summary.targets[target][type] = (summary.targets[target][type] || 0) + 1;
    }
    if (block.length !== record.warcContentLength) problems.push(`${id}: block is ${block.length} bytes, Content-Length says ${record.warcContentLength}`);
    if (!record.warcBlockDigest) problems.push(`${id} (${type}): no WARC-Block-Digest`);
    else if (record.warcBlockDigest !== sha256(block)) problems.push(`${id} (${type}): block digest ${record.warcBlockDigest} != ${sha256(block)}`);
    else summary.block_digests_verified += 1;
    if (type === 'response') {
        const start = indexOfBlankLine(block);
        const digest = sha256(block.subarray(start));
        payloads.set(id, digest);
        if (record.warcPayloadDigest !== digest) problems.push(`${id}: payload digest ${record.warcPayloadDigest} != ${digest}`);
        else summary.payload_digests_verified += 1;
    }
    if (type === 'revisit') {
        if (record.warcHeader('WARC-Profile') !== revisitProfile) problems.push(`${id}: revisit profile '${record.warcHeader('WARC-Profile')}'`);
        if (indexOfBlankLine(block) !== block.length) problems.push(`${id}: a revisit's block is the HTTP head only`);
        revisits.push([id, { refersTo: record.warcHeader('WARC-Refers-To'), target: record.warcHeader('WARC-Refers-To-Target-URI'),
            date: record.warcHeader('WARC-Refers-To-Date'), payload: record.warcPayloadDigest }]);
    }
    if (type === 'request') requests.push([id, record.warcHeader('WARC-Concurrent-To'), target]);
    if (type === 'metadata') {
        try { JSON.parse(new TextDecoder().decode(block)); } catch (e) { problems.push(`${id}: metadata is not JSON: ${e.message}`); }
        if (record.warcHeader('WARC-Refers-To')) refersTo.push([id, record.warcHeader('WARC-Refers-To')]);
    }
    if (!record.warcDate || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(record.warcDate)) problems.push(`${id}: WARC-Date '${record.warcDate}'`);
}

// Pass 2: warcio's own HTTP parsing must agree: the payload it returns has the digest we stated.
for await (const record of new WARCParser(createReadStream(file), { parseHttp: true })) {
    const type = record.warcType;
    if (type !== 'response' && type !== 'request' && type !== 'revisit') { await record.skipFully(); continue; }
    const id = record.warcHeader('WARC-Record-ID');
    if (!record.httpHeaders) { problems.push(`${id}: warcio found no HTTP head`); continue; }
    if (type !== 'request' && !(record.httpHeaders.statusCode >= 100)) problems.push(`${id}: status line '${record.httpHeaders.statusline}'`);
    if (type === 'request' && record.httpHeaders.method !== 'GET') problems.push(`${id}: request line '${record.httpHeaders.statusline}'`);
    const payload = await record.readFully(false);
    if (type === 'response' && sha256(payload) !== payloads.get(id)) problems.push(`${id}: warcio's payload differs from the digested one`);
    if (type === 'revisit' && payload.length !== 0) problems.push(`${id}: warcio found ${payload.length} payload bytes in a revisit`);
    summary.http_parsed += 1;
}

for (const [id, target] of refersTo) if (!ids.has(target)) problems.push(`${id}: refers to ${target}, not in this file`);
for (const [id, revisit] of revisits) {
    const original = records.get(revisit.refersTo);
    if (!original || original.type !== 'response') { problems.push(`${id}: refers to ${revisit.refersTo}, not a response in this file`); continue; }
    const mismatches = [];
    if (revisit.payload !== payloads.get(revisit.refersTo)) mismatches.push(`payload digest ${revisit.payload} != ${payloads.get(revisit.refersTo)}`);
    if (revisit.target !== original.target) mismatches.push(`WARC-Refers-To-Target-URI ${revisit.target} != ${original.target}`);
    if (revisit.date !== original.date) mismatches.push(`WARC-Refers-To-Date ${revisit.date} != ${original.date}`);
    if (mismatches.length) problems.push(`${id}: ${mismatches.join('; ')}`);
    else summary.revisits_verified += 1;
}
for (const [id, concurrent, target] of requests) {
    const exchange = records.get(concurrent);
    if (!exchange || (exchange.type !== 'response' && exchange.type !== 'revisit') || exchange.target !== target)
        problems.push(`${id}: WARC-Concurrent-To ${concurrent} is not a response or revisit of ${target} in this file`);
}
summary.problems = problems;
console.log(JSON.stringify(summary));
process.exit(problems.length === 0 && summary.records > 0 ? 0 : 1);
