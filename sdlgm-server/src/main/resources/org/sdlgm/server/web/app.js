// The sdlgm web page: talks to the same server's /v1 API only. No build step, no libraries:
// images are drawn on canvases and charts are plain SVG.
'use strict';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt',
  'Sneaker', 'Bag', 'Ankle boot'];
const SVG = 'http://www.w3.org/2000/svg';
const state = { model: null, key: sessionStorage.getItem('sdlgm-key') || '', example: null };
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (state.key) headers['Authorization'] = 'Bearer ' + state.key;
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = JSON.parse(text); } catch (e) { data = null; }
  if (res.status === 401) $('key-panel').hidden = false;
  if (!res.ok) {
    const msg = data && data.error ? data.error : res.status + ' ' + res.statusText;
    throw new Error(msg + (data && data.field ? ' (field ' + data.field + ')' : ''));
  }
  return data;
}

function showError(e) { $('error').textContent = e ? String(e.message || e) : ''; }

function className(label) {
  if (label === null || label === undefined) return '';
  const ex = state.model.examples;
  const spec = (ex && ex.spec) || (state.model.index && state.model.index.dataSpec) || '';
  const n = Number(label);
  if (spec.startsWith('fashion-mnist') && Number.isInteger(n) && n >= 0 && n < FASHION.length) {
    return n + ' ' + FASHION[n];
  }
  return String(label);
}

async function init() {
  try {
    const m = await api('GET', '/v1/model');
    state.model = m;
    $('key-panel').hidden = true;
    const parts = [m.kind === 'coder' ? 'unsupervised coder' : 'multi-label tagger', m.method,
      'D = ' + m.inputDim];
    if (m.kind === 'coder') parts.push('K = ' + m.latentDim, 'L0 = ' + m.maxLevel);
    else parts.push(m.numLabels + ' labels', 'L0 = ' + m.maxLevel);
    if (m.index) parts.push('index of ' + m.index.documents + ' documents');
    if (m.examples) parts.push(m.examples.size + ' examples (' + m.examples.part + ')');
    $('model-summary').textContent = parts.join(' · ');
    $('dim').textContent = m.inputDim;
    $('example-controls').hidden = !m.examples;
    if (m.examples) {
      $('example-source').textContent = m.examples.spec + ' (' + m.examples.part + ', 0..' + (m.examples.size - 1) + ')';
      $('example-index').max = m.examples.size - 1;
    }
    $('upload-controls').hidden = !m.image;
    $('encode-btn').hidden = m.kind !== 'coder';
    $('search-btn').hidden = !(m.kind === 'coder' && m.index);
    $('k-label').hidden = $('search-btn').hidden;
    $('predict-btn').hidden = m.kind !== 'tagger';
    showError(null);
  } catch (e) {
    $('model-summary').textContent = 'cannot load the model';
    showError(e);
  }
}

async function loadExample(i) {
  showError(null);
  try {
    const r = await api('GET', '/v1/examples?offset=' + i + '&limit=1');
    const item = r.items[0];
    state.example = item;
    $('example-index').value = item.index;
    $('row-text').value = JSON.stringify(item.input);
    if (item.labels) {
      $('example-label').textContent = 'true labels: ' + item.labels.join(', ');
    } else {
      $('example-label').textContent = item.label === null ? '' : 'class ' + className(item.label);
    }
    if (state.model.image) drawRow($('input-canvas'), denseRow(item.input));
  } catch (e) { showError(e); }
}

function parseRow() {
  const text = $('row-text').value.trim();
  if (!text) throw new Error('no input: load an example, upload an image or paste a row');
  if (text.startsWith('[') || text.startsWith('{')) {
    try { return JSON.parse(text); } catch (e) { throw new Error('the row is not valid JSON: ' + e.message); }
  }
  return text.split(/[\s,;]+/).filter((s) => s.length).map(Number);
}

function denseRow(row) {
  if (Array.isArray(row)) return row;
  const d = new Array(state.model.inputDim).fill(0);
  (row.indices || []).forEach((j, t) => { d[j] = row.values[t]; });
  return d;
}

function drawRow(canvas, row) {
  const img = state.model.image || (state.model.index && state.model.index.image);
  if (!img) return;
  const w = img.width, h = img.height;
  canvas.width = w; canvas.height = h;
  const ctx = canvas.getContext('2d');
  const data = ctx.createImageData(w, h);
  let lo = Infinity, hi = -Infinity;
  for (const v of row) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  // Rows in [0, 1] are drawn as they are; other ranges are stretched to it.
  if (lo >= 0 && hi <= 1) { lo = 0; hi = 1; }
  const span = hi > lo ? hi - lo : 1;
  for (let p = 0; p < w * h; p++) {
    const g = Math.round(255 * Math.min(1, Math.max(0, (row[p] - lo) / span)));
    data.data[4 * p] = g; data.data[4 * p + 1] = g; data.data[4 * p + 2] = g; data.data[4 * p + 3] = 255;
  }
  ctx.putImageData(data, 0, 0);
}

function bars(svg, labels, values, opts) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const W = svg.clientWidth || 900, H = 180, pad = 24;
  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
  const n = values.length;
  if (!n) return;
  const max = Math.max(1e-9, ...values.map(Math.abs));
  const signed = values.some((v) => v < 0);
  const zero = signed ? (H - pad) / 2 : H - pad;
  const scale = signed ? (H - pad) / 2 - 6 : H - pad - 6;
  const bw = Math.min(40, (W - 10) / n);
  values.forEach((v, i) => {
    const r = document.createElementNS(SVG, 'rect');
    const len = Math.abs(v) / max * scale;
    r.setAttribute('x', 5 + i * bw + 1);
    r.setAttribute('width', Math.max(1, bw - 2));
    r.setAttribute('y', v >= 0 ? zero - len : zero);
    r.setAttribute('height', Math.max(0.5, len));
    r.setAttribute('class', opts.cls(i, v));
    r.setAttribute('data-label', labels[i]);
    r.setAttribute('data-value', v);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = opts.title(i, v);
    r.appendChild(title);
    svg.appendChild(r);
    if (bw >= 14 || i % Math.ceil(14 / bw) === 0) {
      const t = document.createElementNS(SVG, 'text');
      t.setAttribute('x', 5 + i * bw + bw / 2);
      t.setAttribute('y', H - 8);
      t.setAttribute('text-anchor', 'middle');
      t.textContent = labels[i];
      svg.appendChild(t);
    }
  });
}

function showLevels(pL, from, chosen) {
  $('level-output').hidden = !pL;
  if (!pL) return;
  const labels = pL.map((_, i) => from + i);
  bars($('pl-chart'), labels, pL, {
    cls: (i) => 'bar level' + (labels[i] === chosen ? ' chosen' : ''),
    title: (i, v) => 'q(L = ' + labels[i] + ' | x) = ' + v.toFixed(3),
  });
}

function showCode(code, inputRow, recon) {
  $('coder-output').hidden = false;
  $('code-summary').innerHTML = '';
  const s = $('code-summary');
  s.append('L̂ = ');
  const lv = document.createElement('strong');
  lv.id = 'level';
  lv.textContent = code.L;
  s.append(lv, ' · ' + code.indices.length + ' non-zeros of K = ' + state.model.latentDim +
    ' (cap L0 = ' + state.model.maxLevel + ')');
  bars($('code-bars'), code.indices, code.values, {
    cls: (i, v) => 'bar ' + (v >= 0 ? 'pos' : 'neg'),
    title: (i, v) => 'z[' + code.indices[i] + '] = ' + v.toFixed(4),
  });
  showLevels(code.pL, 1, code.L);
  $('images').hidden = !state.model.image;
  if (state.model.image) {
    drawRow($('input-canvas'), inputRow);
    if (recon) drawRow($('recon-canvas'), recon);
  }
}

async function encode() {
  showError(null);
  try {
    const row = parseRow();
    const r = await api('POST', '/v1/encode', { inputs: [row], reconstruct: true });
    const c = r.results[0];
    showCode(c, denseRow(row), c.reconstruction);
    return c;
  } catch (e) { showError(e); return null; }
}

async function search() {
  showError(null);
  try {
    const row = parseRow();
    const k = Number($('k').value) || 8;
    const [enc, r] = await Promise.all([
      api('POST', '/v1/encode', { inputs: [row], reconstruct: true }),
      api('POST', '/v1/search', { inputs: [row], k })]);
    showCode(enc.results[0], denseRow(row), enc.results[0].reconstruction);
    const hits = r.results[0].hits;
    $('search-output').hidden = false;
    $('search-summary').textContent = hits.length + ' nearest of ' + state.model.index.documents +
      ' documents by the dot product of the codes';
    const box = $('neighbours');
    box.innerHTML = '';
    hits.forEach((h, rank) => {
      const d = document.createElement('div');
      d.className = 'neighbour';
      d.setAttribute('data-id', h.id);
      if (h.input && state.model.image) {
        const c = document.createElement('canvas');
        drawRow(c, h.input);
        d.appendChild(c);
      }
      const cap = document.createElement('div');
      cap.className = 'caption';
      cap.textContent = '#' + (rank + 1) + ' id ' + h.id + (h.label !== null ? ' · ' + className(h.label) : '') +
        ' · ' + h.score.toFixed(3);
      d.appendChild(cap);
      box.appendChild(d);
    });
  } catch (e) { showError(e); }
}

async function predict() {
  showError(null);
  try {
    const row = parseRow();
    const r = await api('POST', '/v1/predict', { inputs: [row], top: 10 });
    const p = r.results[0];
    $('tagger-output').hidden = false;
    $('tag-summary').textContent = 'L̂ = ' + p.L + ' tag' + (p.L === 1 ? '' : 's') + ' predicted (cap L0 = ' +
      state.model.maxLevel + '); the ranking continues below the line';
    const list = $('tags');
    list.innerHTML = '';
    const max = Math.max(1e-9, ...p.rankedScores.map(Math.abs));
    p.ranked.forEach((name, i) => {
      const li = document.createElement('li');
      li.className = i < p.L ? 'tag predicted' : 'tag ranked';
      if (i === p.L) li.style.borderTop = '1px dashed #999';
      const b = document.createElement('strong');
      b.textContent = name;
      if (i >= p.L) b.style.fontWeight = 'normal';
      const bar = document.createElement('span');
      bar.className = 'tag-bar';
      bar.style.width = Math.round(120 * Math.abs(p.rankedScores[i]) / max) + 'px';
      li.append(b, ' ' + p.rankedScores[i].toFixed(3), bar);
      list.appendChild(li);
    });
    const ex = state.example;
    $('true-labels').textContent = ex && ex.labels && JSON.stringify(ex.input) === JSON.stringify(row)
      ? 'true labels: ' + ex.labels.join(', ') : '';
    showLevels(p.pL, p.pLFrom || 1, p.L);
  } catch (e) { showError(e); }
}

function upload(file) {
  const img = new Image();
  img.onload = () => {
    const { width: w, height: h } = state.model.image;
    const c = document.createElement('canvas');
    c.width = w; c.height = h;
    const ctx = c.getContext('2d');
    ctx.fillStyle = $('invert').checked ? '#fff' : '#000';
    ctx.fillRect(0, 0, w, h);
    // Fit the picture in the model's frame, keeping its aspect ratio (the browser downscales).
    const s = Math.min(w / img.width, h / img.height);
    const dw = img.width * s, dh = img.height * s;
    ctx.drawImage(img, (w - dw) / 2, (h - dh) / 2, dw, dh);
    const px = ctx.getImageData(0, 0, w, h).data;
    const row = [];
    for (let p = 0; p < w * h; p++) {
      let g = (0.299 * px[4 * p] + 0.587 * px[4 * p + 1] + 0.114 * px[4 * p + 2]) / 255;
      if ($('invert').checked) g = 1 - g;
      row.push(Math.round(g * 1000) / 1000);
    }
    state.example = null;
    $('example-label').textContent = 'uploaded: ' + file.name;
    $('row-text').value = JSON.stringify(row);
    drawRow($('input-canvas'), row);
    URL.revokeObjectURL(img.src);
  };
  img.onerror = () => showError(new Error(file.name + ': not an image the browser can read'));
  img.src = URL.createObjectURL(file);
}

$('load-example').addEventListener('click', () => loadExample(Number($('example-index').value) || 0));
$('random-example').addEventListener('click', () =>
  loadExample(Math.floor(Math.random() * state.model.examples.size)));
$('encode-btn').addEventListener('click', encode);
$('search-btn').addEventListener('click', search);
$('predict-btn').addEventListener('click', predict);
$('upload').addEventListener('change', (e) => { if (e.target.files[0]) upload(e.target.files[0]); });
$('key-btn').addEventListener('click', () => {
  state.key = $('api-key').value.trim();
  sessionStorage.setItem('sdlgm-key', state.key);
  init();
});
init();
