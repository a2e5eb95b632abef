// The playground: calls the server's public API only (GET info, POST v1/embeddings, POST tokenize), with the key
// from the page. Paths are relative so the page also works behind a proxy that mounts the server under a prefix.
'use strict';

const $ = (id) => document.getElementById(id);
const images = []; // { name, dataUri }
let info = null;

function requestHeaders() {
  const headers = { 'Content-Type': 'application/json' };
  const key = $('api-key').value.trim();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  return headers;
}

// One API call; throws an Error carrying the server's message (the contract's {"error": {...}} body).
async function callApi(path, body) {
  const started = performance.now();
  const response = await fetch(path, body === undefined
    ? { headers: requestHeaders() }
    : { method: 'POST', headers: requestHeaders(), body: JSON.stringify(body) });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: reported below through the status
  }
  if (!response.ok) {
    const error = new Error(`${response.status}: ${json?.error?.message ?? (text || response.statusText)}`);
    error.status = response.status;
    throw error;
  }
  return { json, response, elapsed: performance.now() - started };
}

function setStatus(text) {
  $('status').textContent = text;
}

function showError(id, error) {
  const element = $(id);
  element.hidden = !error;
  element.textContent = error ? error.message : '';
}

async function loadInfo() {
  $('embed').disabled = true;
  $('align').disabled = true;
  try {
    info = (await callApi('info')).json;
  } catch (error) {
    info = null;
    if (error.status === 401) {
      setStatus('This server needs an API key: enter it above.');
    } else if (error.status === 503) {
      setStatus('The model is loading…');
      setTimeout(loadInfo, 1000);
    } else {
      setStatus(`Cannot read the server's info: ${error.message}`);
    }
    return;
  }

  $('model').textContent = info.model;
  const facts = [`${info.dimensions}-d`, `${info.max_tokens} tokens`, info.modalities.join(' + ')];
  if (info.multivector_dimensions) {
    facts.push(`multi-vector ${info.multivector_dimensions}-d`);
  }
  $('model-facts').textContent = `(${facts.join(', ')})`;

  const task = $('task');
  task.replaceChildren(new Option(info.default_task ? `default (${info.default_task})` : 'default', ''));
  for (const t of info.tasks) {
    task.add(new Option(t.name, t.name));
  }
  $('task-field').hidden = info.tasks.length === 0;

  const dimensions = $('dimensions');
  dimensions.replaceChildren(new Option(`full (${info.dimensions})`, ''));
  for (const d of info.matryoshka_dimensions.filter((d) => d < info.dimensions)) {
    dimensions.add(new Option(String(d), String(d)));
  }

  $('image-input').hidden = !info.modalities.includes('image');
  $('maxsim').hidden = !info.multivector_dimensions;
  $('embed').disabled = false;
  $('align').disabled = false;
  setStatus('Ready.');
}

function readInputs() {
  const texts = $('texts').value.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  const items = texts.map((text) => ({ label: text, input: text }));
  for (const image of images) {
    items.push({ label: `🖼 ${image.name}`, input: { image: image.dataUri } });
  }
  return items;
}

function cosine(a, b) {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

function dot(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    sum += a[i] * b[i];
  }
  return sum;
}

// -1 → blue, 0 → white, 1 → red.
function heat(value) {
  const t = Math.max(-1, Math.min(1, value));
  const fade = Math.round(255 * (1 - Math.abs(t)));
  return t >= 0 ? `rgb(255, ${fade}, ${fade})` : `rgb(${fade}, ${fade}, 255)`;
}

// A table with row and column labels; each cell shows the value to 3 decimals and keeps it whole in data-value.
function renderMatrix(table, rowLabels, columnLabels, values, best) {
  const head = document.createElement('thead');
  const headRow = head.insertRow();
  headRow.appendChild(document.createElement('th'));
  for (const label of columnLabels) {
    const th = document.createElement('th');
    th.textContent = label;
    th.title = label;
    headRow.appendChild(th);
  }
  const body = document.createElement('tbody');
  values.forEach((row, i) => {
    const tr = body.insertRow();
    const th = document.createElement('th');
    th.textContent = rowLabels[i];
    th.title = rowLabels[i];
    tr.appendChild(th);
    row.forEach((value, j) => {
      const td = tr.insertCell();
      td.textContent = value.toFixed(3);
      td.dataset.value = String(value);
      td.dataset.row = String(i);
      td.dataset.column = String(j);
      td.style.background = heat(value);
      if (best && best[i] === j) {
        td.classList.add('best');
      }
    });
  });
  table.replaceChildren(head, body);
}

async function embed() {
  const items = readInputs();
  showError('error', null);
  if (items.length === 0) {
    showError('error', new Error('Type at least one text or add an image.'));
    return;
  }
  const body = { input: items.map((item) => item.input), embedding_type: 'float' };
  if ($('task').value) {
    body.task = $('task').value;
  }
  if ($('dimensions').value) {
    body.dimensions = Number($('dimensions').value);
  }
  if ($('late-chunking').checked) {
    body.late_chunking = true;
  }

  $('embed').disabled = true;
  try {
    const { json, response, elapsed } = await callApi('v1/embeddings', body);
    const vectors = json.data.map((d) => d.embedding);
    const matrix = vectors.map((a) => vectors.map((b) => cosine(a, b)));
    const labels = items.map((item, i) => `${i}: ${item.label}`);
    renderMatrix($('similarity'), labels, labels, matrix);
    $('tokens').textContent = String(json.usage.total_tokens);
    $('server-time').textContent = response.headers.get('x-total-time') ?? '?';
    $('round-trip').textContent = elapsed.toFixed(1);
    $('vector-width').textContent = String(vectors[0].length);
    $('stats').hidden = false;
  } catch (error) {
    showError('error', error);
  } finally {
    $('embed').disabled = false;
  }
}

function taskFor(kind) {
  const wanted = `retrieval.${kind}`;
  return info.tasks.some((t) => t.name === wanted) ? wanted : $('task').value || undefined;
}

// Labels for the token vectors: the text each token covers, or its piece for prefix tokens.
async function tokenLabels(text, task, count) {
  try {
    const { json } = await callApi('tokenize', { input: [text], task });
    const item = json.data[0];
    if (item.tokens.length === count) {
      return item.tokens.map((piece, i) => {
        const [start, end] = item.offsets[i];
        return end > start ? text.slice(start, end) : piece;
      });
    }
  } catch {
    // a model without a tokenizer: numbered labels below
  }
  return Array.from({ length: count }, (_, i) => `#${i}`);
}

async function align() {
  const query = $('query').value.trim();
  const documentText = $('document').value.trim();
  showError('align-error', null);
  if (!query || !documentText) {
    showError('align-error', new Error('Type a query and a document.'));
    return;
  }
  $('align').disabled = true;
  try {
    const queryTask = taskFor('query');
    const documentTask = taskFor('passage');
    const [queryResult, documentResult] = await Promise.all([
      callApi('v1/embeddings', { input: [query], task: queryTask, return_multivector: true, embedding_type: 'float' }),
      callApi('v1/embeddings', { input: [documentText], task: documentTask, return_multivector: true, embedding_type: 'float' }),
    ]);
    const queryVectors = queryResult.json.data[0].embeddings;
    const documentVectors = documentResult.json.data[0].embeddings;
    const scores = queryVectors.map((q) => documentVectors.map((d) => dot(q, d)));
    const best = scores.map((row) => row.indexOf(Math.max(...row)));
    const maxSim = scores.reduce((sum, row, i) => sum + row[best[i]], 0);
    const [rowLabels, columnLabels] = await Promise.all([
      tokenLabels(query, queryTask, queryVectors.length),
      tokenLabels(documentText, documentTask, documentVectors.length),
    ]);
    renderMatrix($('alignment'), rowLabels, columnLabels, scores, best);
    $('maxsim-score').textContent = maxSim.toFixed(3);
    $('maxsim-score').dataset.value = String(maxSim);
  } catch (error) {
    showError('align-error', error);
  } finally {
    $('align').disabled = false;
  }
}

function addImageFiles(files) {
  for (const file of files) {
    if (!file.type.startsWith('image/')) {
      continue;
    }
    const reader = new FileReader();
    reader.onload = () => {
      images.push({ name: file.name, dataUri: reader.result });
      renderImages();
    };
    reader.readAsDataURL(file);
  }
}

function renderImages() {
  const list = $('image-list');
  list.replaceChildren(...images.map((image, i) => {
    const li = document.createElement('li');
    const img = document.createElement('img');
    img.src = image.dataUri;
    img.alt = image.name;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '×';
    remove.title = `Remove ${image.name}`;
    remove.addEventListener('click', () => {
      images.splice(i, 1);
      renderImages();
    });
    li.append(img, document.createTextNode(image.name), remove);
    return li;
  }));
  // Late chunking joins texts into one sequence; images cannot take part (400 late_chunking_image).
  $('late-chunking').disabled = images.length > 0;
  if (images.length > 0) {
    $('late-chunking').checked = false;
  }
}

function setUp() {
  const key = $('api-key');
  key.value = sessionStorage.getItem('jinaembed-api-key') ?? '';
  key.addEventListener('change', () => {
    sessionStorage.setItem('jinaembed-api-key', key.value.trim());
    loadInfo();
  });
  $('embed').addEventListener('click', embed);
  $('align').addEventListener('click', align);

  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    addImageFiles(event.dataTransfer.files);
  });
  $('image-files').addEventListener('change', (event) => addImageFiles(event.target.files));
  loadInfo();
}

setUp();
