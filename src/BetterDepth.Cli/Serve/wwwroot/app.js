// The serve page: upload -> job -> live status (server-sent events) -> maps, wipe, 3D view, downloads.
// Depth maps arrive as the job's .npy files and are coloured here with the server's own colour maps (/api/info).
import * as THREE from './three.bundle.js';

const $ = id => document.getElementById(id);
const state = { info: null, job: null, events: null, maps: null, colors: null, view: null };
const setState = s => { document.body.dataset.state = s; };

// ---------- start-up ----------
async function init() {
  try {
    const r = await fetch('/api/info');
    state.info = await r.json();
  } catch (e) {
    showError('cannot reach the server: ' + e.message);
    return;
  }
  const info = state.info;
  $('model').textContent = `prior: ${info.prior} · refiner: ${info.refiner} · ${info.limits.concurrency} at a time, ${info.limits.queue_capacity} may wait`;
  $('limits').textContent = `PNG or JPEG up to ${(info.limits.max_upload_bytes / 1048576).toFixed(0)} MB and ${(info.limits.max_pixels / 1e6).toFixed(0)} megapixels`;
  $('steps').max = info.limits.max_steps;
  $('ensemble').max = info.limits.max_ensemble;
  $('processing_res').max = info.limits.max_processing_res;
  resetDefaults();
  for (const name of Object.keys(info.colormaps)) $('colormap').add(new Option(name, name));
  $('defaults').onclick = resetDefaults;
  $('file').onchange = () => { if ($('file').files[0]) upload($('file').files[0]); $('file').value = ''; };
  const drop = $('drop');
  drop.ondragover = e => { e.preventDefault(); drop.classList.add('over'); };
  drop.ondragleave = () => drop.classList.remove('over');
  drop.ondrop = e => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer.files[0];
    if (f) upload(f);
  };
  $('cancel').onclick = cancelJob;
  $('colormap').onchange = () => state.maps && drawMaps();
  $('mode').onchange = () => state.maps && build3d();
  $('wipe-slider').oninput = applyWipe;
  // Leaving the page cancels its unfinished job (the server also notices the closed event stream).
  addEventListener('pagehide', () => {
    if (state.job && !isFinished(state.job.status)) navigator.sendBeacon(`/api/jobs/${state.job.id}/cancel`);
  });
  setState('idle');
}

function resetDefaults() {
  const d = state.info.defaults;
  $('steps').value = d.steps;
  $('ensemble').value = d.ensemble;
  $('processing_res').value = d.processing_res;
}

const isFinished = s => s === 'done' || s === 'failed' || s === 'cancelled';

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = false;
}

function showStatus(text, progress, cancellable) {
  $('status').hidden = false;
  $('status-text').textContent = text;
  if (progress === null) $('progress').removeAttribute('value'); else $('progress').value = progress;
  $('cancel').hidden = !cancellable;
}

// ---------- upload and job ----------
function upload(file) {
  $('error').hidden = true;
  const limits = state.info.limits;
  if (file.size > limits.max_upload_bytes) {
    showError(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB; this server accepts up to ${(limits.max_upload_bytes / 1048576).toFixed(0)} MB`);
    setState('failed');
    return;
  }
  if (state.events) state.events.close();
  if (state.job && !isFinished(state.job.status)) fetch(`/api/jobs/${state.job.id}/cancel`, { method: 'POST' });
  state.job = null;
  const form = new FormData();
  form.append('image', file, file.name);
  for (const k of ['steps', 'ensemble', 'processing_res']) form.append(k, $(k).value);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', '/api/jobs');
  xhr.responseType = 'json';
  xhr.upload.onprogress = e => e.lengthComputable && showStatus(`Uploading ${file.name}…`, e.loaded / e.total, false);
  xhr.onload = () => {
    const body = xhr.response || {};
    if (xhr.status !== 202) {
      $('status').hidden = true;
      showError(`${body.error || 'upload refused'} (HTTP ${xhr.status})`);
      setState('failed');
      return;
    }
    state.job = body;
    document.body.dataset.job = body.id;
    watch(body.id);
  };
  xhr.onerror = () => { showError('upload failed: the server closed the connection'); setState('failed'); };
  setState('uploading');
  showStatus(`Uploading ${file.name}…`, 0, false);
  xhr.send(form);
}

function watch(id) {
  const es = new EventSource(`/api/jobs/${id}/events`);
  state.events = es;
  es.onmessage = e => {
    const job = JSON.parse(e.data);
    if (!state.job || state.job.id !== job.id) { es.close(); return; }
    state.job = job;
    setState(job.status);
    if (job.status === 'queued') showStatus(job.position === 1 ? 'Queued: next in line' : `Queued: position ${job.position}`, null, true);
    else if (job.status === 'running') showStatus(`Refining… ${Math.round(job.progress * 100)}%`, job.progress, true);
    if (!isFinished(job.status)) return;
    es.close();
    if (job.status === 'done') {
      showStatus(`Done in ${job.seconds.toFixed(2)} s`, 1, false);
      showResults(job).catch(err => { showError('could not show the results: ' + err.message); setState('failed'); });
    } else {
      $('status').hidden = true;
      showError(job.status === 'failed' ? `refinement failed: ${job.error}` : `cancelled${job.error ? ': ' + job.error : ''}`);
    }
  };
  es.onerror = () => {
    // EventSource reconnects on its own; a job that expired or a server that went away ends here.
    if (es.readyState === EventSource.CLOSED && state.job && !isFinished(state.job.status)) showError('lost the connection to the server');
  };
}

async function cancelJob() {
  if (!state.job) return;
  await fetch(`/api/jobs/${state.job.id}/cancel`, { method: 'POST' });
}

// ---------- results ----------
function parseNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  if (bytes[0] !== 0x93 || String.fromCharCode(...bytes.slice(1, 6)) !== 'NUMPY') throw new Error('not an .npy file');
  const major = bytes[6];
  const view = new DataView(buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.slice(start, start + headerLength));
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error('unexpected .npy layout: ' + header);
  const shape = header.match(/'shape':\s*\((\d+),\s*(\d+)\)/);
  const height = +shape[1], width = +shape[2];
  const offset = start + headerLength;
  const values = new Float32Array(buffer.slice(offset, offset + width * height * 4));
  return { width, height, values };
}

async function fetchNpy(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return parseNpy(await r.arrayBuffer());
}

function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('cannot load ' + url));
    img.src = url;
  });
}

async function showResults(job) {
  const o = job.outputs;
  const [refined, prior, uncertainty, input] = await Promise.all([
    fetchNpy(o['refined.npy']), fetchNpy(o['prior.npy']),
    o['uncertainty.npy'] ? fetchNpy(o['uncertainty.npy']) : null,
    loadImage(o['input.png']),
  ]);
  const c = document.createElement('canvas');
  c.width = input.naturalWidth; c.height = input.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(input, 0, 0);
  state.colors = ctx.getImageData(0, 0, c.width, c.height).data;
  state.maps = { refined, prior, uncertainty };
  $('input-image').src = o['input.png'];
  $('results').hidden = false;
  $('uncertainty-figure').hidden = !uncertainty;
  $('timing').textContent = `${job.width}×${job.height} · ${job.settings.steps} steps · ensemble ${job.settings.ensemble} · ${job.settings.processing_res} px · ${job.seconds.toFixed(2)} s`;
  const links = { 'dl-npy': 'refined.npy', 'dl-png16': 'refined.png', 'dl-color': 'refined_color.png', 'dl-ply': 'refined.ply', 'dl-prior-npy': 'prior.npy', 'dl-uncertainty-npy': 'uncertainty.npy' };
  for (const [id, name] of Object.entries(links)) {
    const a = $(id);
    a.hidden = !o[name];
    if (o[name]) { a.href = o[name] + '?download'; a.download = `betterdepth_${name}`; }
  }
  drawMaps();
  applyWipe();
  build3d();
  setState('done');
}

function colorize(map, canvas) {
  const lut = state.info.colormaps[$('colormap').value];
  let lo = Infinity, hi = -Infinity;
  for (const v of map.values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const range = hi > lo ? hi - lo : 1;
  canvas.width = map.width; canvas.height = map.height;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(map.width, map.height);
  for (let i = 0; i < map.values.length; i++) {
    const v = map.values[i];
    const k = Number.isFinite(v) ? 3 * Math.round(255 * (v - lo) / range) : 0;
    img.data[4 * i] = lut[k]; img.data[4 * i + 1] = lut[k + 1]; img.data[4 * i + 2] = lut[k + 2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function drawMaps() {
  const { refined, prior, uncertainty } = state.maps;
  colorize(prior, $('prior-canvas'));
  colorize(refined, $('refined-canvas'));
  colorize(prior, $('wipe-prior'));
  colorize(refined, $('wipe-refined'));
  if (uncertainty) colorize(uncertainty, $('uncertainty-canvas'));
}

function applyWipe() {
  const v = +$('wipe-slider').value;
  $('wipe-refined').style.clipPath = `inset(0 0 0 ${v}%)`;
  $('wipe-line').style.left = `${v}%`;
}

// ---------- 3D ----------
function ensureView() {
  if (state.view) return state.view;
  const canvas = $('canvas3d');
  let renderer;
  try {
    renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
  } catch (e) {
    $('webgl-error').textContent = 'This browser cannot show the 3D view (WebGL unavailable): ' + e.message;
    $('webgl-error').hidden = false;
    return null;
  }
  renderer.setPixelRatio(Math.min(2, devicePixelRatio));
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x111111);
  const camera = new THREE.PerspectiveCamera(55, 4 / 3, 0.01, 100);
  const controls = new THREE.OrbitControls(camera, canvas);
  controls.rotateSpeed = 0.5;   // the relative depth spans a factor 11: full-speed turns swing the far wall around
  const view = { renderer, scene, camera, controls, object: null };
  view.render = () => {
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.floor(w * renderer.getPixelRatio()) || canvas.height !== Math.floor(h * renderer.getPixelRatio())) {
      renderer.setSize(w, h, false);
      camera.aspect = w / h;
      camera.updateProjectionMatrix();
    }
    renderer.render(scene, camera);
    canvas.dataset.frames = String(+(canvas.dataset.frames || 0) + 1);
  };
  controls.addEventListener('change', view.render);
  new ResizeObserver(() => view.render()).observe(canvas);
  state.view = view;
  return view;
}

// Unprojects the refined disparity like the PLY writer: depth = 1 / (d + 0.1), 60 degree horizontal field of view.
function build3d() {
  const view = ensureView();
  if (!view) return;
  const { refined } = state.maps;
  const { width: w, height: h, values } = refined;
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  const range = hi > lo ? hi - lo : 1;
  const stride = Math.max(1, Math.ceil(Math.sqrt(w * h / 120000)));
  const gw = Math.floor((w - 1) / stride) + 1, gh = Math.floor((h - 1) / stride) + 1;
  const f = w / 2 / Math.tan(Math.PI / 6), cx = (w - 1) / 2, cy = (h - 1) / 2;
  const positions = new Float32Array(gw * gh * 3), colors = new Float32Array(gw * gh * 3), depth = new Float32Array(gw * gh);
  const rgb = state.colors;
  let sum = 0;
  for (let gy = 0; gy < gh; gy++) for (let gx = 0; gx < gw; gx++) {
    const x = gx * stride, y = gy * stride, i = gy * gw + gx, p = y * w + x;
    const d = Number.isFinite(values[p]) ? (values[p] - lo) / range : 0;
    const z = 1 / (d + 0.1);
    depth[i] = z; sum += z;
    positions[3 * i] = (x - cx) / f * z;
    positions[3 * i + 1] = -(y - cy) / f * z;
    positions[3 * i + 2] = -z;
    colors[3 * i] = rgb[4 * p] / 255; colors[3 * i + 1] = rgb[4 * p + 1] / 255; colors[3 * i + 2] = rgb[4 * p + 2] / 255;
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  geometry.setAttribute('color', new THREE.BufferAttribute(colors, 3));
  let object;
  if ($('mode').value === 'mesh') {
    const index = [];
    for (let gy = 0; gy + 1 < gh; gy++) for (let gx = 0; gx + 1 < gw; gx++) {
      const a = gy * gw + gx, b = a + 1, c = a + gw, d = c + 1;
      const zs = [depth[a], depth[b], depth[c], depth[d]];
      if (Math.max(...zs) / Math.min(...zs) > 1.25) continue;   // do not stretch skins over depth edges
      index.push(a, c, b, b, c, d);
    }
    geometry.setIndex(index);
    object = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ vertexColors: true, side: THREE.DoubleSide }));
  } else {
    object = new THREE.Points(geometry, new THREE.PointsMaterial({ vertexColors: true, size: 1.6 * stride / f * (sum / depth.length), sizeAttenuation: true }));
  }
  if (view.object) { view.scene.remove(view.object); view.object.geometry.dispose(); view.object.material.dispose(); }
  view.scene.add(object);
  view.object = object;
  const mean = sum / depth.length;
  // Start near the photo's own viewpoint (same vertical field of view), turned a little so the relief shows.
  view.camera.fov = 2 * Math.atan(h / 2 / f) * 180 / Math.PI * 1.15;
  view.controls.target.set(0, 0, -mean);
  view.camera.position.set(0.1 * mean, 0.05 * mean, 0);
  view.camera.near = mean / 100; view.camera.far = mean * 20; view.camera.updateProjectionMatrix();
  view.controls.update();
  $('canvas3d').dataset.vertices = String(gw * gh);
  view.render();
}

init();
