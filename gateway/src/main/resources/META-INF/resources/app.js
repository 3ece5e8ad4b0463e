'use strict';
// The StyleFarm dashboard: a page per hash route, fed by the REST API with the operator's API key, kept live by
// the server-sent events of /v1/stream. No build step: plain modern JavaScript.

const main = document.getElementById('main');
const KEY = 'stylefarm-key';
let stream = null;        // the open live-update reader
let latestJobs = [];      // the newest jobs, from the stream
let pageTimer = null;     // a page's own refresh (tasks, pictures)
const listeners = new Set();

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c ?? ''));
  return node;
}

async function api(path, options = {}) {
  const response = await fetch(path, {...options, headers: {'Authorization': 'Bearer ' + localStorage.getItem(KEY),
    ...(options.headers || {})}});
  if (response.status === 401) { signOut(); throw new Error('signed out'); }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.detail ? body.detail : response.statusText);
  return body;
}

function age(iso) {
  if (!iso) return '';
  return duration((Date.now() - Date.parse(iso)) / 1000);
}

function duration(s) {
  if (s === null || s === undefined || !isFinite(s)) return '';
  if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  return Math.floor(s / 3600) + ' h ' + Math.round((s % 3600) / 60) + ' min';
}

/** Items per second since the job started, and the time left at that rate. */
function pace(job) {
  if (!job.started_at || !job.items) return {rate: null, eta: null};
  const end = job.finished_at ? Date.parse(job.finished_at) : Date.now();
  const seconds = (end - Date.parse(job.started_at)) / 1000;
  const rate = seconds > 0 ? job.items.done / seconds : null;
  const left = job.items.total - job.items.done;
  return {rate, eta: rate > 0 && !job.finished_at ? left / rate : null};
}

function bar(progress) {
  return el('span', {class: 'bar', title: (100 * progress).toFixed(1) + ' %'},
    el('span', {style: 'width:' + (100 * progress).toFixed(1) + '%'}));
}

function stateCell(state) {
  return el('span', {class: 'state ' + state}, state);
}

// ---- live updates: the SSE stream read with fetch, so that it carries the Authorization header ----
async function openStream() {
  if (stream) return;
  const controller = new AbortController();
  stream = controller;
  try {
    const response = await fetch('/v1/stream', {headers: {'Authorization': 'Bearer ' + localStorage.getItem(KEY),
      'Accept': 'text/event-stream'}, signal: controller.signal});
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5)).join('\n');
        if (data) {
          latestJobs = JSON.parse(data);
          listeners.forEach(f => f(latestJobs));
        }
      }
    }
  } catch (e) {
    // Aborted on sign-out, or the gateway went away: retry while signed in.
  }
  stream = null;
  if (localStorage.getItem(KEY)) setTimeout(openStream, 2000);
}

// ---- pages ----
let meta = null;          // the API's vocabulary: job states, task states, kinds

/** A priority as people say it: its name where it has one (interactive, normal, bulk), else its number. */
function priorityName(p) {
  const named = meta && Object.entries(meta.priorities || {}).find(([, n]) => n === p);
  return named ? named[0] : String(p);
}

async function jobsPage() {
  meta = meta || await api('/v1/meta');
  const state = el('select', {id: 'filter-state'}, el('option', {value: ''}, 'any state'),
    ...meta.job_states.map(s => el('option', {value: s}, s)));
  const kind = el('select', {id: 'filter-kind'}, el('option', {value: ''}, 'any kind'),
    ...meta.job_kinds.map(k => el('option', {value: k}, k)));
  const model = el('input', {id: 'filter-model', placeholder: 'model'});
  const tenant = el('input', {id: 'filter-tenant', placeholder: 'tenant'});
  const body = el('tbody');
  const table = el('table', {id: 'jobs'}, el('thead', {}, el('tr', {}, ['job', 'kind', 'model', 'tenant', 'priority',
    'state', 'progress', 'items/s', 'ETA', 'duration', 'finished', 'submitted'].map(h => el('th', {}, h)))), body);
  main.replaceChildren(el('h1', {}, 'Jobs'), el('div', {class: 'filters'}, state, kind, model, tenant), table);
  let jobs = [];
  const render = () => {
    const shown = jobs.filter(j => (!state.value || j.state === state.value) && (!kind.value || j.kind === kind.value)
      && (!tenant.value || j.tenant === tenant.value) && (!model.value || j.model === model.value));
    body.replaceChildren(...shown.map(j => {
      const {rate, eta} = pace(j);
      const ran = j.started_at ? ((j.finished_at ? Date.parse(j.finished_at) : Date.now()) - Date.parse(j.started_at))
        / 1000 : null;
      return el('tr', {'data-job': j.id},
        el('td', {}, el('a', {href: '#/jobs/' + j.id}, j.id.slice(0, 8))), el('td', {}, j.kind),
        el('td', {class: 'model'}, j.model), el('td', {}, j.tenant),
        el('td', {class: 'priority', title: 'priority ' + j.priority}, priorityName(j.priority)),
        el('td', {}, stateCell(j.state)),
        el('td', {}, bar(j.progress), ' ', j.items ? j.items.done + ' / ' + j.items.total : ''),
        el('td', {}, rate === null ? '' : rate.toFixed(1)), el('td', {}, duration(eta)),
        el('td', {class: 'duration'}, duration(ran)),
        el('td', {class: 'finished', title: j.finished_at || ''}, j.finished_at ? age(j.finished_at) + ' ago' : ''),
        el('td', {}, age(j.created_at) + ' ago'));
    }));
  };
  [state, kind, model, tenant].forEach(s => s.addEventListener('change', load));
  async function load() {
    const query = new URLSearchParams({limit: '100'});
    if (state.value) query.set('state', state.value);
    if (kind.value) query.set('kind', kind.value);
    if (tenant.value) query.set('tenant', tenant.value);
    if (model.value) query.set('model', model.value);
    try {
      jobs = (await api('/v1/jobs?' + query)).items;
    } catch (e) {
      jobs = [];
      main.append(el('p', {class: 'muted'}, e.message));
    }
    render();
  }
  await load();
  // Live: the stream carries the newest jobs; merge them in place, and add new ones at the top.
  listeners.add(live => {
    const byId = new Map(jobs.map(j => [j.id, j]));
    live.forEach(j => byId.set(j.id, j));
    jobs = [...byId.values()].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
    render();
  });
}

async function jobPage(id) {
  let job = await api('/v1/jobs/' + id);
  const header = el('div');
  const actions = el('div', {class: 'actions'});
  const grid = el('div', {class: 'grid', id: 'task-grid'});
  const counts = el('p', {class: 'muted'});
  const taskBody = el('tbody');
  const taskDetail = el('div', {id: 'task-detail'});
  const thumbs = el('div', {class: 'thumbs', id: 'thumbs'});
  const media = el('div', {id: 'media'});
  const downloads = el('ul', {id: 'downloads'});
  main.replaceChildren(el('h1', {}, 'Job ', el('code', {}, id)), header, actions, media,
    el('details', {id: 'spec-box'}, el('summary', {}, 'Spec'), el('pre', {id: 'spec'}, JSON.stringify(job.spec, null, 2))),
    el('h2', {}, 'Downloads'), downloads, el('h2', {}, 'Latest outputs'), thumbs, el('h2', {}, 'Tasks'), counts, grid,
    taskDetail,
    el('table', {id: 'tasks'}, el('thead', {}, el('tr', {}, ['task', 'covers', 'state', 'attempts', 'worker',
      'duration', 'error'].map(h => el('th', {}, h)))), taskBody));
  const control = (action, label, request) => el('button', {id: action, onclick: async () => {
    try { job = await request(); renderHeader(); refresh().catch(() => {}); }
    catch (e) { alert(e.message); }
  }}, label);
  const post = action => () => api('/v1/jobs/' + id + '/' + action, {method: 'POST'});
  const renderHeader = () => {
    const {rate, eta} = pace(job);
    header.replaceChildren(el('p', {}, job.kind, ' · model ', job.model, ' · tenant ', job.tenant, ' · priority ',
      el('span', {id: 'job-priority', 'data-priority': String(job.priority)}, priorityName(job.priority)), ' · ',
      stateCell(job.state), ' · created ', age(job.created_at), ' ago',
      job.finished_at ? ' · ran ' + duration((Date.parse(job.finished_at) - Date.parse(job.started_at || job.created_at))
        / 1000) : ''),
      el('p', {id: 'job-progress'}, bar(job.progress), ' ', job.items ? job.items.done + ' / ' + job.items.total : '',
        rate ? ' · ' + rate.toFixed(1) + ' items/s' : '', eta ? ' · ETA ' + duration(eta) : ''),
      job.error ? el('p', {class: 'error'}, job.error) : '');
    // The buttons are the job's allowed actions: redrawn only when those change, so a click never lands on a redraw.
    const allowed = job.actions || [];
    if (actions.dataset.allowed === allowed.join(',')) return;
    actions.dataset.allowed = allowed.join(',');
    const priority = el('select', {id: 'priority-select'}, ...Array.from({length: 10}, (_, p) =>
      el('option', {value: String(p)}, priorityName(p) === String(p) ? String(p) : p + ' · ' + priorityName(p))));
    priority.value = String(job.priority);
    actions.replaceChildren(
      allowed.includes('pause') ? control('pause', 'Pause', post('pause')) : '',
      allowed.includes('resume') ? control('resume', 'Resume', post('resume')) : '',
      allowed.includes('requeue') ? control('requeue', 'Requeue failed tasks', post('requeue')) : '',
      allowed.includes('cancel') ? control('cancel', 'Cancel', post('cancel')) : '',
      allowed.includes('priority') ? el('span', {}, ' priority ', priority, control('set-priority', 'Set',
        () => api('/v1/jobs/' + id, {method: 'PATCH', headers: {'Content-Type': 'application/json'},
          body: JSON.stringify({priority: Number(priority.value)})}))) : '',
      allowed.includes('retry') ? el('button', {id: 'retry', onclick: async () => {
        try { const again = await api('/v1/jobs/' + id + '/retry', {method: 'POST'}); location.hash = '#/jobs/' + again.id; }
        catch (e) { alert(e.message); }
      }}, 'Retry as a new job') : '');
  };
  const showTask = async index => {
    const t = await api('/v1/jobs/' + id + '/tasks/' + index);
    taskDetail.replaceChildren(el('h3', {}, 'Task ' + t.index + ' · ' + t.range + ' · ', stateCell(t.state)),
      el('table', {id: 'attempts'}, el('thead', {}, el('tr', {}, ['attempt', 'worker', 'started', 'outcome', 'error']
        .map(h => el('th', {}, h)))), el('tbody', {}, ...t.attempts.map(a => el('tr', {},
        el('td', {}, String(a.attempt)), el('td', {}, a.worker || ''), el('td', {}, a.started_at ? age(a.started_at)
          + ' ago' : ''), el('td', {}, a.outcome), el('td', {class: 'error'}, a.error || ''))))),
      el('details', {}, el('summary', {}, 'Task spec'), el('pre', {}, JSON.stringify(t.spec, null, 2))));
  };
  const refresh = async () => {
    const [tasks, pictures, outputs] = await Promise.all([api('/v1/jobs/' + id + '/tasks?limit=2000'),
      api('/v1/jobs/' + id + '/pictures?limit=12'), api('/v1/jobs/' + id + '/artifacts?limit=200')]);
    counts.textContent = Object.entries(tasks.counts).map(([s, n]) => s + ' ' + n).join(' · ')
      + (tasks.truncated ? ' (the first 2,000 shown)' : '');
    grid.replaceChildren(...tasks.tasks.map(t => el('i', {class: t.state, title: 'task ' + t.index + ' (' + t.range
      + '): ' + t.state + (t.worker ? ' on ' + t.worker : '') + (t.error ? ' — ' + t.error : ''),
      onclick: () => showTask(t.index)})));
    taskBody.replaceChildren(...tasks.tasks.slice(0, 200).map(t => el('tr', {'data-task': t.index,
      onclick: () => showTask(t.index)}, el('td', {}, String(t.index)), el('td', {}, t.range),
      el('td', {}, stateCell(t.state)), el('td', {}, String(t.attempt)), el('td', {}, t.worker || ''),
      el('td', {}, duration(t.seconds)), el('td', {class: 'error'}, t.error || ''))));
    // What the job made as a whole (manifest, dataset card, shards, grid, video, reports), each a download link.
    const perItem = new Set(['image', 'frame', 'cell', 'projection', 'target', 'projected_w', 'projected_noise',
      'metrics', 'projection_video']);
    const files = outputs.items.filter(a => !perItem.has(a.kind));
    downloads.replaceChildren(...files.map(a => el('li', {}, el('a', {href: a.url, download: ''},
      a.key.slice(a.key.lastIndexOf('/') + 1)), ' · ' + a.kind + ' · ' + a.bytes + ' bytes')),
      el('li', {}, 'every output: ', el('code', {}, './farm download ' + id)));
    const shown = new Set([...thumbs.querySelectorAll('img')].map(i => i.dataset.key));
    if (pictures.some(p => !shown.has(p.key)) || pictures.length !== shown.size) {
      thumbs.replaceChildren(...pictures.map(p => el('figure', {}, el('a', {href: p.url, target: '_blank'},
        el('img', {class: 'thumb', src: p.url, alt: p.key, title: p.key, 'data-key': p.key})),
        el('figcaption', {}, pictureLabel(p)))));
    }
    if (!pictures.length) thumbs.replaceChildren(preview(job, files));
    if (['project', 'calibrate'].includes(job.kind)) await projectionReport(id, job, media);
    const video = files.find(a => a.kind === 'video');
    if (video && !media.querySelector('video')) media.replaceChildren(...videoPlayer(job, video));
  };
  renderHeader();
  await refresh();
  listeners.add(live => {
    const mine = live.find(j => j.id === id);
    if (mine) { job = mine; renderHeader(); }
  });
  // Refreshed while the job runs, and once more after each change of state (its last outputs, its manifest).
  let refreshedIn = null;
  pageTimer = setInterval(() => {
    if (job.live || refreshedIn !== job.state) {
      refreshedIn = job.state;
      refresh().catch(() => {});
    }
  }, 2000);
}

/** What a thumbnail shows: its seed, or its frame or cell as the file name says. */
function pictureLabel(p) {
  if (p.seed !== null && p.seed !== undefined) return 'seed ' + p.seed;
  return p.key.slice(p.key.lastIndexOf('/') + 1).replace(/\.(png|jpe?g)$/, '');
}

/** Where a job stores no single pictures (webdataset shards, a video), what stands in for them. */
function preview(job, files) {
  const shards = files.filter(a => a.kind === 'shard');
  if (shards.length) {
    const samples = el('div', {class: 'thumbs', id: 'samples'});
    api('/v1/jobs/' + job.id + '/samples').then(s => samples.replaceChildren(...s.samples.map(p => el('figure', {},
      el('img', {class: 'thumb', src: p.url, alt: p.name, title: p.name}),
      el('figcaption', {}, p.seed !== null && p.seed !== undefined ? 'seed ' + p.seed : p.name))))).catch(() => {});
    return el('div', {}, el('p', {id: 'preview', class: 'muted'}, shards.length + ' webdataset shards ('
      + shards.reduce((n, a) => n + a.bytes, 0).toLocaleString() + ' bytes); the first samples of the first shard, ',
      el('a', {href: shards[0].url, download: ''}, shards[0].key.slice(shards[0].key.lastIndexOf('/') + 1)),
      '; every sample: ', el('code', {}, './farm download ' + job.id)), samples);
  }
  if (files.some(a => a.kind === 'video')) return el('p', {id: 'preview', class: 'muted'}, 'the video is above');
  return el('p', {id: 'preview', class: 'muted'}, job.live ? 'nothing stored yet' : 'no pictures');
}

/** The video with what it is (frames, fps, size, pixels) and a choice of scale, drawn without smoothing. */
function videoPlayer(job, video) {
  const fps = job.spec.fps || 60;
  const frames = job.items ? job.items.total : null;
  const player = el('video', {id: 'video', src: video.url, controls: '', loop: '', muted: '', autoplay: '',
    playsinline: '', class: 'pixelated'});
  const info = el('p', {id: 'video-info', class: 'muted'}, (frames ? frames + ' frames · ' : '') + fps + ' fps'
    + (frames ? ' · ' + (frames / fps).toFixed(1) + ' s' : '') + ' · ' + video.bytes.toLocaleString() + ' bytes');
  const scale = el('select', {id: 'video-scale'}, ...[1, 2, 3, 4].map(f => el('option', {value: String(f)}, f + '×')));
  const apply = () => { if (player.videoWidth) player.style.width = player.videoWidth * Number(scale.value) + 'px'; };
  scale.addEventListener('change', apply);
  player.addEventListener('loadedmetadata', () => {
    info.append(' · ' + player.videoWidth + '×' + player.videoHeight + ' px');
    scale.value = String(Math.max(1, Math.min(4, Math.floor(512 / player.videoWidth))));
    apply();
  });
  return [el('h2', {}, 'Video'), info, el('label', {}, 'scale ', scale), el('div', {}, player)];
}

/** A table whose rows sort by the clicked column: numbers as numbers, twice reverses. */
function sortable(table) {
  const heads = [...table.tHead.rows[0].cells];
  heads.forEach((th, i) => {
    th.classList.add('sortable');
    th.addEventListener('click', () => {
      const down = th.dataset.sort !== 'asc';
      heads.forEach(h => delete h.dataset.sort);
      th.dataset.sort = down ? 'asc' : 'desc';
      const value = row => row.cells[i].dataset.value ?? row.cells[i].textContent;
      const rows = [...table.tBodies[0].rows].sort((a, b) => {
        const x = value(a), y = value(b), nx = parseFloat(x), ny = parseFloat(y);
        const c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
        return down ? c : -c;
      });
      table.tBodies[0].append(...rows);
    });
  });
  return table;
}

// The projection report: each target beside its projection, with distance, PSNR and verdict; a calibration's ROC
// summary once it is done. Fetched and redrawn only when a target has finished or the job has ended since.
async function projectionReport(id, job, media) {
  const version = (job.items ? job.items.done : 0) + ' ' + job.state;
  if (media.dataset.version === version) return;
  const report = await api('/v1/jobs/' + id + '/projections');
  media.dataset.version = version;
  const num = (v, digits) => typeof v === 'number' ? v.toPrecision(digits) : '';
  const verdict = v => !v ? '' : v.status === 'uncalibrated' ? 'uncalibrated'
    : v.generated_by_model ? 'made by this model' : 'not made by this model';
  const picture = (url, alt) => url ? el('a', {href: url, target: '_blank'}, el('img', {class: 'pair', src: url, alt}))
    : '';
  const c = report.calibration;
  media.replaceChildren(el('h2', {}, 'Projection report'),
    c ? el('p', {id: 'calibration'}, 'AUC ', num(c.auc, 3), ' · threshold ', num(c.threshold, 4),
      ' · false positives ', (100 * c.fpr).toFixed(1), ' % · true positives ', (100 * c.tpr).toFixed(1), ' %',
      ' · median distance: made ', num(c.distances.positives.median, 3), ', not made ',
      num(c.distances.negatives.median, 3)) : '',
    c ? calibrationCharts(c) : '',
    sortable(el('table', {id: 'projections'}, el('thead', {}, el('tr', {}, ['#', 'target', 'label', 'target image',
      'projection', 'distance', 'PSNR', 'verdict'].map(h => el('th', {}, h)))),
    el('tbody', {}, ...report.targets.map(t => el('tr', {}, el('td', {}, String(t.index)), el('td', {}, t.target || ''),
      el('td', {}, t.label || ''), el('td', {}, picture(t.target_url, 'target ' + t.index)),
      el('td', {}, picture(t.projection_url, 'projection ' + t.index),
        t.video_url ? el('a', {href: t.video_url, target: '_blank'}, ' video') : ''),
      el('td', {'data-value': t.distance ?? ''}, num(t.distance, 4)),
      el('td', {'data-value': t.psnr ?? ''}, t.psnr ? t.psnr.toFixed(1) + ' dB' : ''),
      el('td', {class: 'verdict'}, verdict(t.verdict))))))));
}

/** A calibration's ROC curve and the histogram of its distances, drawn from the distances the report lists. */
function calibrationCharts(c) {
  const pos = c.distances.positives.values, neg = c.distances.negatives.values;
  const cuts = [...new Set([...pos, ...neg])].sort((a, b) => a - b);
  const share = (list, t) => list.filter(d => d <= t).length / list.length;
  const roc = [[0, 0], ...cuts.map(t => [share(neg, t), share(pos, t)]), [1, 1]];
  const lo = cuts[0], hi = cuts[cuts.length - 1], bins = 20, width = (hi - lo) / bins || 1;
  const histogram = list => Array.from({length: bins}, (_, i) => list.filter(d =>
    Math.min(bins - 1, Math.floor((d - lo) / width)) === i).length);
  const centres = Array.from({length: bins}, (_, i) => lo + (i + 0.5) * width);
  return el('div', {class: 'charts'},
    plot('roc-chart', [{name: 'ROC (AUC ' + c.auc.toFixed(3) + ')', points: roc}],
      {x: 'false positive rate', y: 'true positive rate', xMax: 1, yMax: 1, square: true}),
    plot('histogram-chart', [{name: 'made by this model', points: centres.map((x, i) => [x, histogram(pos)[i]])},
      {name: 'not made by it', points: centres.map((x, i) => [x, histogram(neg)[i]])}],
      {x: 'distance', y: 'targets', bars: true, xMin: lo - width / 2, xMax: hi + width / 2, marker: c.threshold,
        markerLabel: 'threshold'}));
}

const COLOURS = ['#3c7bf0', '#d0392b', '#2e9e57', '#a66a00', '#8a5cc2', '#178a8a', '#777'];

/** Ticks at 1, 2 or 5 times a power of ten, about five of them from 0 to max. */
function ticks(min, max) {
  const raw = (max - min) / 5 || 1, step = [1, 2, 5, 10].map(m => m * 10 ** Math.floor(Math.log10(raw)))
    .find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/**
 * An SVG chart of series of [x, y] points with labelled, ticked axes and a legend; it fills its container's width.
 * options: x and y (axis titles), xMax, yMax, bars, marker (an x drawn as a dashed line), square, xLabel (tick text).
 */
function plot(id, series, options) {
  const w = options.square ? 360 : 720, h = options.square ? 300 : 260, left = 56, right = 12, top = 26, bottom = 40;
  const all = series.flatMap(s => s.points);
  const xMin = options.xMin ?? Math.min(0, ...all.map(p => p[0])), xMax = options.xMax ?? Math.max(1e-9, ...all.map(p => p[0]));
  const yMax = options.yMax ?? Math.max(1e-9, ...all.map(p => p[1])) * 1.1;
  const X = x => left + (x - xMin) / (xMax - xMin || 1) * (w - left - right);
  const Y = y => h - bottom - y / yMax * (h - top - bottom);
  const parts = [];
  for (const t of ticks(0, yMax)) {
    parts.push('<line x1="' + left + '" x2="' + (w - right) + '" y1="' + Y(t) + '" y2="' + Y(t) + '" stroke="#eef"/>',
      '<text x="' + (left - 6) + '" y="' + (Y(t) + 4) + '" font-size="11" fill="#556" text-anchor="end">' + t + '</text>');
  }
  for (const t of ticks(xMin, xMax)) {
    parts.push('<line x1="' + X(t) + '" x2="' + X(t) + '" y1="' + (h - bottom) + '" y2="' + (h - bottom + 4)
      + '" stroke="#556"/>', '<text x="' + X(t) + '" y="' + (h - bottom + 16) + '" font-size="11" fill="#556"'
      + ' text-anchor="middle">' + (options.xLabel ? options.xLabel(t) : t) + '</text>');
  }
  parts.push('<line x1="' + left + '" x2="' + left + '" y1="' + top + '" y2="' + (h - bottom) + '" stroke="#556"/>',
    '<line x1="' + left + '" x2="' + (w - right) + '" y1="' + (h - bottom) + '" y2="' + (h - bottom) + '" stroke="#556"/>',
    '<text x="' + ((left + w - right) / 2) + '" y="' + (h - 6) + '" font-size="12" fill="#334" text-anchor="middle">'
      + options.x + '</text>',
    '<text transform="translate(14 ' + ((top + h - bottom) / 2) + ') rotate(-90)" font-size="12" fill="#334"'
      + ' text-anchor="middle">' + options.y + '</text>');
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    if (options.bars) {
      const spacing = s.points.length > 1 ? X(s.points[1][0]) - X(s.points[0][0]) : w - left - right;
      const bw = spacing / series.length;
      s.points.forEach(([x, y]) => parts.push('<rect x="' + (X(x) - spacing / 2 + i * bw) + '" y="'
        + Y(y) + '" width="' + Math.max(1, bw - 1) + '" height="' + (h - bottom - Y(y)) + '" fill="' + colour
        + '" opacity=".75"><title>' + x.toPrecision(3) + ': ' + y + '</title></rect>'));
    } else {
      parts.push('<polyline fill="none" stroke="' + colour + '" stroke-width="2" points="'
        + s.points.map(([x, y]) => X(x).toFixed(1) + ',' + Y(y).toFixed(1)).join(' ') + '"/>');
    }
    parts.push('<rect x="' + (left + 8 + i * 170) + '" y="6" width="10" height="10" fill="' + colour + '"/>',
      '<text x="' + (left + 22 + i * 170) + '" y="15" font-size="11" fill="#334">' + escapeXml(s.name) + '</text>');
  });
  if (options.marker !== undefined) {
    parts.push('<line x1="' + X(options.marker) + '" x2="' + X(options.marker) + '" y1="' + top + '" y2="'
      + (h - bottom) + '" stroke="#17803d" stroke-dasharray="4 3"/>', '<text x="' + (X(options.marker) + 4)
      + '" y="' + (top + 12) + '" font-size="11" fill="#17803d">' + options.markerLabel + '</text>');
  }
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('class', 'chart' + (options.square ? ' square' : ''));
  svg.setAttribute('id', id);
  svg.innerHTML = parts.join('');
  return svg;
}

function escapeXml(text) {
  return String(text).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'})[c]);
}

async function workersPage() {
  main.replaceChildren(el('h1', {}, 'Workers'));
  let workers;
  try { workers = await api('/v1/workers'); } catch (e) { main.append(el('p', {class: 'muted'}, e.message)); return; }
  const toggle = w => el('button', {class: 'drain', onclick: async () => {
    try { await api('/v1/workers/' + encodeURIComponent(w.id) + '/drain', {method: w.status === 'active' ? 'POST' : 'DELETE'}); }
    catch (e) { alert(e.message); }
    workersPage();
  }}, w.status === 'active' ? 'Drain' : 'Undrain');
  const percent = v => v === null || v === undefined ? '—' : (100 * v).toFixed(0) + ' %';
  const bytes = v => v === null || v === undefined ? '—' : (v / 2 ** 30).toFixed(2) + ' GiB';
  main.append(el('table', {id: 'workers'}, el('thead', {}, el('tr', {}, ['worker', 'status', 'device', 'CPU', 'memory',
    'GPU', 'uptime', 'version', 'models, 24 h', 'current task', 'images/s, 5 min', 'heartbeat', 'failed, 1 h',
    'cancelled, 1 h', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, workers.map(w => el('tr', {'data-worker': w.id}, el('td', {}, w.id),
      el('td', {class: 'status'}, w.status),
      el('td', {}, (w.device_kind || '') + (w.device_name ? ' · ' + w.device_name : '')),
      el('td', {class: 'cpu'}, percent(w.cpu)), el('td', {class: 'memory'}, bytes(w.memory_bytes)),
      el('td', {class: 'gpu'}, percent(w.gpu)), el('td', {class: 'uptime'}, duration(w.uptime_seconds)),
      el('td', {class: 'version'}, w.version || '—'), el('td', {}, w.models.join(', ')),
      el('td', {}, w.current_job ? el('a', {href: '#/jobs/' + w.current_job}, w.current_job.slice(0, 8) + ' #' + w.current_task) : 'idle'),
      el('td', {}, w.images_per_second.toFixed(1)), el('td', {}, duration(w.heartbeat_age_seconds)),
      el('td', {class: 'failures'}, String(w.failures_last_hour)),
      el('td', {class: 'cancelled'}, String(w.cancelled_last_hour)), el('td', {}, toggle(w)))))));
}

async function queuesPage() {
  main.replaceChildren(el('h1', {}, 'Queues'));
  let q;
  try { q = await api('/v1/queues'); } catch (e) { main.append(el('p', {class: 'muted'}, e.message)); return; }
  main.append(el('table', {id: 'lag'}, el('thead', {}, el('tr', {}, ['topic', 'consumer group', 'lag']
      .map(h => el('th', {}, h)))), el('tbody', {}, q.lag.map(l => el('tr', {}, el('td', {}, l.topic),
      el('td', {}, l.group), el('td', {}, String(l.messages)))))),
    el('h2', {}, 'Dead letters: ', el('span', {id: 'dlq-count'}, String(q.dead_letters))),
    el('table', {id: 'dlq'}, el('thead', {}, el('tr', {}, ['when', 'from', 'consumer', 'reason']
      .map(h => el('th', {}, h)))), el('tbody', {}, q.latest_dead_letters.map(d => el('tr', {},
      el('td', {}, age(d.at) + ' ago'), el('td', {}, d.origin_topic || ''), el('td', {}, d.consumer || ''),
      el('td', {class: 'error'}, d.reason || ''))))));
}

async function throughputPage() {
  const t = await api('/v1/throughput');
  const minutesAgo = i => i - (t.minutes.length - 1);
  const perSecond = list => list.map((n, i) => [minutesAgo(i), n / 60]);
  const options = y => ({x: 'minutes ago', y, xMax: 0, xLabel: v => String(-v)});
  main.replaceChildren(el('h1', {}, 'Throughput, last hour'),
    el('h2', {}, 'Outputs per second, by job kind'),
    plot('throughput-chart', t.by_kind.length ? t.by_kind.map(s => ({name: s.name, points: perSecond(s.items)}))
      : [{name: 'all', points: perSecond(t.items)}], options('outputs/s')),
    el('h2', {}, 'Outputs per second, by model'),
    plot('model-chart', t.by_model.length ? t.by_model.map(s => ({name: s.name, points: perSecond(s.items)}))
      : [{name: 'all', points: perSecond(t.items)}], options('outputs/s')),
    el('h2', {}, 'Failed attempts per minute'),
    plot('failures-chart', [{name: 'failed attempts', points: Array.from(t.failures).map((n, i) => [minutesAgo(i), n])}],
      options('failures')));
}

// ---- sign-in and routing ----
function signIn() {
  document.getElementById('nav').hidden = true;
  const key = el('input', {id: 'key', type: 'password', placeholder: 'sfk_…', autocomplete: 'off'});
  const note = el('p', {class: 'muted'});
  main.replaceChildren(el('form', {class: 'login', onsubmit: async e => {
    e.preventDefault();
    localStorage.setItem(KEY, key.value.trim());
    try { await api('/v1/jobs?limit=1'); route(); } catch (err) { note.textContent = err.message; }
  }}, el('h1', {}, 'Sign in'), el('p', {}, 'Your StyleFarm API key (kept in this browser until you sign out):'), key,
    el('button', {id: 'signin', type: 'submit'}, 'Sign in'), note));
}

function signOut() {
  localStorage.removeItem(KEY);
  document.getElementById('who').textContent = '';
  if (stream) stream.abort();
  signIn();
}
document.getElementById('signout').addEventListener('click', signOut);

// ./farm open hands the key over in the fragment, which never reaches a server; it is stored and wiped from the
// address bar and the history at once (on load, or on a hash change when the dashboard is open already).
function takeKeyFromLink() {
  if (!location.hash.startsWith('#key=')) return;
  localStorage.setItem(KEY, decodeURIComponent(location.hash.slice(5)));
  document.getElementById('who').textContent = '';
  if (stream) stream.abort();
  history.replaceState(null, '', location.pathname + '#/jobs');
}

/** Who is signed in (tenant and role), in the header. */
async function showWho() {
  const who = document.getElementById('who');
  if (who.textContent) return;
  try {
    const me = await api('/v1/whoami');
    who.textContent = me.tenant + ' · ' + me.role;
  } catch (e) {
    // Signed out meanwhile: the sign-in page is showing.
  }
}

async function route() {
  takeKeyFromLink();
  if (!localStorage.getItem(KEY)) { signIn(); return; }
  document.getElementById('nav').hidden = false;
  meta = meta || await api('/v1/meta').catch(() => null);
  showWho();
  listeners.clear();
  clearInterval(pageTimer);
  openStream();
  const hash = location.hash || '#/jobs';
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', hash.startsWith(a.getAttribute('href'))));
  const [, page, id] = hash.split('/');
  try {
    if (page === 'jobs' && id) await jobPage(id);
    else if (page === 'workers') await workersPage();
    else if (page === 'queues') await queuesPage();
    else if (page === 'throughput') await throughputPage();
    else await jobsPage();
  } catch (e) {
    main.replaceChildren(el('p', {class: 'muted'}, e.message));
  }
}
window.addEventListener('hashchange', route);
route();
