// SPDX-License-Identifier: Apache-2.0
// tests: a local S3-compatible server (s3rver) on a free loopback port with one
// bucket; prints "PORT DIR" once listening and serves until SIGTERM.
// Usage: node tests/s3/s3rver.mjs BUCKET DIR
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../web/package.json'));
const S3rver = require('s3rver');

const [bucket = 'custodia', dir] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dir,
  configureBuckets: [{ name: bucket }],
});
const { port } = await server.run();
process.stdout.write(`${port}\n`);
const stop = async () => { await server.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
