// Confluent's own JavaScript serdes against a running semstream (the embedded default of `./semstream run`):
// evidence that the topics' contracts hold for a client that shares no code with semstream.
//
//   node interop/confluent-interop.mjs <data-dir of the running `semstream run`>
//
// It registers schemas/TextEvent.avsc as a JavaScript producer would, produces TextEvents in the Confluent
// wire format, and reads the embeddings back with Confluent's Avro deserializer, read committed. It exits 0
// only if every text's embedding arrives exactly once, the .avsc files are what the registry holds (same
// ids, no new version) and the subjects semstream created are BACKWARD; otherwise it exits 1, saying why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';

const COUNT = 50;
const DEADLINE_MS = Number(process.env.INTEROP_DEADLINE_MS ?? 180_000);
const TEXTS = 'semstream.texts';
const EMBEDDINGS = 'semstream.embeddings';
const started = Date.now();

function fail(message) {
  console.error(`interop: FAILED: ${message}`);
  process.exit(1);
}

function check(condition, message) {
  if (!condition) fail(message);
}

// Whatever hangs (a consumer that never joins, a pipeline that never answers) ends here, not in CI's timeout.
setTimeout(() => fail(`not done within ${DEADLINE_MS / 1000} s: ${progress()}`), DEADLINE_MS).unref();

/** `run` writes Java properties (`key=value`, with ':' escaped as '\:'). */
function readEndpoints(dataDir) {
  const entries = readFileSync(join(dataDir, 'endpoints.properties'), 'utf8').split('\n')
    .filter(line => line && !line.startsWith('#'))
    .map(line => line.split(/=(.*)/s).map(part => part.replace(/\\(.)/g, '$1').trim()));
  return Object.fromEntries(entries);
}

/** The schema exactly as the file holds it: a JavaScript producer has nothing else. */
function avsc(name) {
  return { schemaType: 'AVRO', schema: readFileSync(new URL(`../schemas/${name}.avsc`, import.meta.url), 'utf8') };
}

async function versionsOrNone(registry, subject) {
  try {
    return await registry.getAllVersions(subject);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

const dataDir = process.argv[2];
check(dataDir, 'usage: node interop/confluent-interop.mjs <data-dir>');
const endpoints = readEndpoints(dataDir);
const registry = new SchemaRegistryClient({ baseURLs: [endpoints['schema.registry.url']] });
const kafka = new Kafka({ clientId: 'semstream-interop', brokers: [endpoints['bootstrap.servers']], logLevel: logLevel.WARN });

// The .avsc is what semstream registers: registering it where semstream already has finds that version.
const textsSubject = `${TEXTS}-value`;
const before = await versionsOrNone(registry, textsSubject);
const textEventId = await registry.register(textsSubject, avsc('TextEvent'));
const after = await registry.getAllVersions(textsSubject);
if (before) {
  check(after.length === before.length, `registering TextEvent.avsc added a version to ${textsSubject}: ${before} -> ${after}`);
  check(await registry.getCompatibility(textsSubject) === 'BACKWARD', `${textsSubject} is not BACKWARD`);
}

// Produce with the latest registered version (the one just checked), keyed by id as the contract asks.
const serializer = new AvroSerializer(registry, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
const tag = `interop-${started}`;
const sent = new Map();
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
await producer.connect();
const messages = [];
for (let i = 0; i < COUNT; i++) {
  const id = `${tag}-${i}`;
  const text = `Text number ${i} produced by Confluent's JavaScript serializer.`;
  sent.set(id, text);
  const value = await serializer.serialize(TEXTS, { id, text, metadata: { client: 'kafkajs' }, eventTime: Date.now() });
  check(value.readInt32BE(1) === textEventId, `the serializer wrote schema id ${value.readInt32BE(1)}, not ${textEventId}`);
  messages.push({ key: id, value });
}
await producer.send({ topic: TEXTS, acks: -1, messages });
await producer.disconnect();

// Read the embeddings back. Exactly once: count each id, and only stop once the consumer has passed the end
// of every partition as it stood when the last id arrived, so a late duplicate would still be counted.
const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
const received = new Map();
const embeddingIds = new Set();
const committed = new Map();
let endOffsets = null;
let done;
const finished = new Promise(resolve => { done = resolve; });
const consumer = kafka.consumer({ groupId: tag, readUncommitted: false });

function progress() {
  return `${received.size} of ${COUNT} embeddings read; partition ends ${JSON.stringify(endOffsets)}, `
    + `committed ${JSON.stringify([...committed])}`;
}

// semstream writes embeddings in transactions, so a partition's last offset is a commit marker, which kafkajs
// counts as consumed only when it came in one fetch with data. Reaching the offset before it is reading it all.
function caughtUp() {
  return endOffsets !== null
    && endOffsets.every(p => Number(p.high) <= Number(p.low) || (committed.get(Number(p.partition)) ?? 0) >= Number(p.high) - 1);
}

consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
  for (const t of payload.topics) for (const p of t.partitions) committed.set(Number(p.partition), Number(p.offset));
  if (caughtUp()) done();
});
await consumer.connect();
await consumer.subscribe({ topic: EMBEDDINGS, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const id = message.key?.toString();
    if (!id?.startsWith(`${tag}-`) || message.value === null) return;
    embeddingIds.add(message.value.readInt32BE(1));
    const embedding = await deserializer.deserialize(EMBEDDINGS, message.value);
    check(embedding.id === id, `record keyed ${id} holds the embedding of ${embedding.id}`);
    check(embedding.text === sent.get(id), `the embedding of ${id} carries another text: ${embedding.text}`);
    check(embedding.vector.length === embedding.dimensions && embedding.dimensions > 0, `${id}: ${embedding.vector.length} floats for ${embedding.dimensions} dimensions`);
    check(embedding.metadata.client === 'kafkajs', `${id}: metadata not carried over: ${JSON.stringify(embedding.metadata)}`);
    received.set(id, (received.get(id) ?? 0) + 1);
    if (endOffsets === null && received.size === COUNT) {
      const admin = kafka.admin();
      await admin.connect();
      endOffsets = await admin.fetchTopicOffsets(EMBEDDINGS);
      await admin.disconnect();
      if (caughtUp()) done(); // the commits may all have come while the offsets were fetched
    }
  },
});
await finished;
await consumer.disconnect();

const duplicated = [...received].filter(([, n]) => n !== 1);
check(duplicated.length === 0, `ids not read exactly once: ${duplicated.map(([id, n]) => `${id} x${n}`).join(', ')}`);

// The subject semstream created holds Embedding.avsc as it is: it looks up as the id on the wire; and it is BACKWARD.
const embeddingsSubject = `${EMBEDDINGS}-value`;
const embeddingId = await registry.getId(embeddingsSubject, avsc('Embedding')).catch(e => fail(`looking up Embedding.avsc: ${e.message}`));
check(embeddingIds.size === 1 && embeddingIds.has(embeddingId), `embeddings carry schema ids ${[...embeddingIds]}, Embedding.avsc is ${embeddingId}`);
check(await registry.getCompatibility(embeddingsSubject) === 'BACKWARD', `${embeddingsSubject} is not BACKWARD`);

console.error(`interop: ${COUNT} TextEvents (schema id ${textEventId}) produced with Confluent's serializer and kafkajs; `
  + `${received.size} embeddings (schema id ${embeddingId}) read back once each, read committed, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(0);
