// The Node snippets of docs/integrations.md against a running server: the OpenAI Node SDK and the Vercel AI SDK's
// openai-compatible provider, with their quirks. Run by node-clients.sh (which installs the pinned packages).
// Usage: node node-clients.mjs BASE_URL API_KEY
import OpenAI from "openai";
import OpenAI4 from "openai4"; // openai@4.104.0, the last 4.x, installed under an alias
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { embedMany } from "ai";

const [base, key] = process.argv.slice(2);
const texts = ["first text", "second text"];
let failed = 0;
let passed = 0;

function check(ok, what, detail = "") {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${detail ? `: ${detail}` : ""}`);
  ok ? passed++ : failed++;
}

function maxDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

// The server's own answer, by plain HTTP.
async function raw(body) {
  const response = await fetch(`${base}/v1/embeddings`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return (await response.json()).data.map((d) => d.embedding);
}

const passages = await raw({ input: texts, dimensions: 32, task: "retrieval.passage" });
const defaults = await raw({ input: texts, dimensions: 32 });
check(maxDiff(passages[0], defaults[0]) > 1e-3, "the task changes the vectors (so the checks below can tell)");

// docs/integrations.md "OpenAI Node SDK"
const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: key });
const response = await client.embeddings.create({
  model: "jina-embeddings-v3",
  input: texts,
  dimensions: 32,
  encoding_format: "float",
  task: "retrieval.passage",
});
texts.forEach((_, i) => {
  const diff = maxDiff(response.data[i].embedding, passages[i]);
  check(diff <= 1e-6, `OpenAI SDK with task, item ${i}`, `max |diff| ${diff}`);
});

const decoded = await client.embeddings.create({ model: "jina-embeddings-v3", input: texts, dimensions: 32 });
const decodedDiff = maxDiff(Array.from(decoded.data[0].embedding), defaults[0]);
check(decodedDiff <= 1e-6, "OpenAI SDK default (base64 decoded by the SDK)", `max |diff| ${decodedDiff}`);

// The quirk: embedding_type binary without encoding_format "float". The SDK asks for base64; 4.x then decodes every
// embedding as base64 float32 (an integer array becomes wrong numbers), 7.x passes arrays through.
const bits = (await raw({ input: texts, dimensions: 32, embedding_type: "binary" }))[0];
const binary = { model: "jina-embeddings-v3", input: texts, dimensions: 32, embedding_type: "binary" };
const old = new OpenAI4({ baseURL: `${base}/v1`, apiKey: key });
const altered = Array.from((await old.embeddings.create(binary)).data[0].embedding);
check(maxDiff(altered, bits) !== 0, "openai 4.x: binary without encoding_format comes out altered (the documented quirk)", `server ${JSON.stringify(bits)}, SDK ${JSON.stringify(altered)}`);
const oldFixed = (await old.embeddings.create({ ...binary, encoding_format: "float" })).data[0].embedding;
check(maxDiff(oldFixed, bits) === 0, "openai 4.x: binary with encoding_format float is passed through", JSON.stringify(oldFixed));
const current = Array.from((await client.embeddings.create(binary)).data[0].embedding);
check(maxDiff(current, bits) === 0, "openai 7.x: binary is passed through even without encoding_format", JSON.stringify(current));
const fixed = (await client.embeddings.create({ ...binary, encoding_format: "float" })).data[0].embedding;
check(maxDiff(fixed, bits) === 0, "openai 7.x: binary with encoding_format float is passed through", JSON.stringify(fixed));

// docs/integrations.md "Vercel AI SDK": the provider drops task; the fetch wrapper adds it back.
const sent = [];
const recording = (wrap) => async (url, init) => {
  sent.push(JSON.parse(init.body));
  return fetch(url, wrap ? { ...init, body: JSON.stringify({ ...JSON.parse(init.body), task: "retrieval.passage" }) } : init);
};
const plain = createOpenAICompatible({ name: "jinaembed", baseURL: `${base}/v1`, apiKey: key, fetch: recording(false) });
await embedMany({
  model: plain.textEmbeddingModel("jina-embeddings-v3"),
  values: texts,
  providerOptions: { jinaembed: { dimensions: 32, task: "retrieval.passage" } },
});
check(!("task" in sent[0]), "the AI SDK provider drops task (the documented quirk)", JSON.stringify(Object.keys(sent[0])));

const jina = createOpenAICompatible({ name: "jinaembed", baseURL: `${base}/v1`, apiKey: key, fetch: recording(true) });
const { embeddings } = await embedMany({
  model: jina.textEmbeddingModel("jina-embeddings-v3"),
  values: texts,
  providerOptions: { jinaembed: { dimensions: 32 } },
});
texts.forEach((_, i) => {
  const diff = maxDiff(embeddings[i], passages[i]);
  check(diff <= 1e-6, `AI SDK with the task added by fetch, item ${i}`, `max |diff| ${diff}`);
});

console.log(`node clients: ${passed} checks passed, ${failed} checks failed`);
process.exit(failed === 0 ? 0 : 1);
