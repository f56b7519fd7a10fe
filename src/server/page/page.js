// mem0 serve's page: lists, searches and draws one scope's memories through
// the REST API of the server that serves it (same origin only). Memory text
// is untrusted: it reaches the DOM only as text (textContent), never as
// markup. No libraries: the force-directed layout, drag and zoom are below.
'use strict';

(() => {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const KEY_STORAGE = 'mem0.apiKey';
  const GRAPH_LIMIT = 500;
  const SCOPE_KINDS = ['user_id', 'agent_id', 'run_id'];
  const $ = (id) => document.getElementById(id);

  const state = {
    scope: null, // {kind, id}
    nodes: [],
    edges: [],
    byId: new Map(),
    selected: null,
    hits: new Set(),
    view: {x: 0, y: 0, k: 1},
    touchedView: false,
    alpha: 0,
    frame: 0,
    loadSeq: 0,
  };

  class AuthError extends Error {}

  // --- API -----------------------------------------------------------------

  function apiKey() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) || '';
    } catch (e) {
      return '';
    }
  }

  async function api(path, options = {}) {
    const headers = {Accept: 'application/json'};
    const init = {method: options.method || 'GET', headers, credentials: 'omit', cache: 'no-store'};
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    const key = apiKey();
    if (key) headers['X-API-Key'] = key;
    const response = await fetch(path, init);
    if (response.status === 401) {
      showKeyForm(key !== '');
      throw new AuthError('This server needs an API key.');
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (e) {
      payload = null;
    }
    if (!response.ok) {
      const detail = payload && typeof payload.detail === 'string' ? payload.detail : '';
      throw new Error(detail || `HTTP ${response.status}`);
    }
    return payload;
  }

  function scopeQuery() {
    return `${state.scope.kind}=${encodeURIComponent(state.scope.id)}`;
  }

  function showKeyForm(rejected) {
    document.body.dataset.state = 'needs-key';
    $('empty').hidden = false;
    $('empty').textContent = 'This server needs an API key: enter it above.';
    $('key-form').hidden = false;
    $('key-input').value = '';
    $('key-input').focus();
    setStatus(rejected ? 'That API key was refused.' : 'This server needs an API key.', true);
  }

  // --- Small DOM helpers (text only) ----------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    return node;
  }

  function shorten(text, max) {
    const chars = Array.from(text);
    return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
  }

  function when(iso) {
    if (!iso) return '';
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  }

  let statusTimer = 0;
  function setStatus(text, isError) {
    const status = $('status');
    status.textContent = text;
    status.classList.toggle('error', Boolean(isError));
    status.classList.toggle('shown', Boolean(text));
    clearTimeout(statusTimer);
    if (text) statusTimer = setTimeout(() => status.classList.remove('shown'), 4000);
  }

  function report(error) {
    setStatus(error && error.message ? error.message : String(error), true);
  }

  // --- Loading a scope --------------------------------------------------------

  function scopeFromUrl() {
    const params = new URLSearchParams(window.location.search);
    for (const kind of SCOPE_KINDS) {
      const id = params.get(kind);
      if (id) return {kind, id};
    }
    return null;
  }

  async function load() {
    const seq = ++state.loadSeq;
    clearSearch();
    closeDetail();
    document.body.dataset.state = 'loading';
    if (!state.scope) {
      setGraph({nodes: [], edges: [], truncated: false});
      document.body.dataset.state = 'empty';
      return;
    }
    $('scope-kind').value = state.scope.kind;
    $('scope-id').value = state.scope.id;
    document.title = `mem0 · ${state.scope.id}`;
    const graph = await api(`/graph?${scopeQuery()}&limit=${GRAPH_LIMIT}`);
    if (seq !== state.loadSeq) return;
    setGraph(graph);
    document.body.dataset.state = 'ready';
  }

  function setGraph(graph) {
    stopLayout();
    const nodes = Array.isArray(graph.nodes) ? graph.nodes : [];
    const edges = Array.isArray(graph.edges) ? graph.edges : [];
    state.byId = new Map();
    state.nodes = [];
    const memories = nodes.filter((n) => n.kind === 'memory');
    const entities = nodes.filter((n) => n.kind === 'entity');
    // Start on two rings (golden angle), memories outside, entities inside.
    const place = (list, radius) =>
      list.forEach((data, i) => {
        const angle = i * 2.399963;
        const r = radius * Math.sqrt((i + 0.5) / Math.max(1, list.length));
        const node = {
          id: String(data.id),
          kind: data.kind,
          label: String(data.label ?? ''),
          data,
          x: Math.cos(angle) * r,
          y: Math.sin(angle) * r,
          vx: 0,
          vy: 0,
          fx: null,
          fy: null,
          degree: 0,
        };
        state.byId.set(node.id, node);
        state.nodes.push(node);
      });
    place(entities, 60 + 18 * Math.sqrt(entities.length));
    place(memories, 120 + 30 * Math.sqrt(memories.length));
    state.edges = [];
    for (const data of edges) {
      const source = state.byId.get(String(data.source));
      const target = state.byId.get(String(data.target));
      if (!source || !target || source === target) continue;
      source.degree++;
      target.degree++;
      state.edges.push({id: String(data.id), kind: data.kind, label: String(data.label ?? ''), source, target});
    }
    $('truncated').hidden = !graph.truncated;
    renderList(memories);
    drawGraph();
    state.touchedView = false;
    startLayout();
  }

  function renderList(memories) {
    const list = $('memory-list');
    list.replaceChildren();
    const newestFirst = [...memories].sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    for (const memory of newestFirst) {
      const item = el('li', '', '');
      item.dataset.id = String(memory.id);
      item.append(el('span', 'text', String(memory.label ?? '')));
      item.append(el('span', 'when', when(memory.updated_at || memory.created_at)));
      item.addEventListener('click', () => select(String(memory.id)));
      list.append(item);
    }
    $('memory-count').textContent = String(memories.length);
    $('empty').hidden = memories.length > 0;
    $('empty').textContent = state.scope
      ? `No memories for ${state.scope.kind.replace('_id', '')} “${state.scope.id}” yet.`
      : 'Open a user, agent or run to see its memories.';
  }

  // --- Drawing ------------------------------------------------------------------

  function drawGraph() {
    const edgeLayer = $('edges');
    const labelLayer = $('edge-labels');
    const nodeLayer = $('nodes');
    edgeLayer.replaceChildren();
    labelLayer.replaceChildren();
    nodeLayer.replaceChildren();
    for (const edge of state.edges) {
      edge.line = svg('line', {class: `edge ${edge.kind === 'relation' ? 'relation' : 'mentions'}`});
      edge.line.dataset.source = edge.source.id;
      edge.line.dataset.target = edge.target.id;
      if (edge.kind === 'relation') {
        edge.line.setAttribute('marker-end', 'url(#arrow)');
        edge.text = svg('text', {class: 'edge-label'});
        edge.text.textContent = shorten(edge.label.replace(/_/g, ' '), 28);
        labelLayer.append(edge.text);
      }
      edgeLayer.append(edge.line);
    }
    for (const node of state.nodes) {
      const group = svg('g', {class: `node ${node.kind}`});
      group.dataset.id = node.id;
      const title = svg('title');
      title.textContent = node.label;
      if (node.kind === 'memory') {
        node.radius = 9 + Math.min(6, node.degree);
        group.append(svg('circle', {r: node.radius}));
        const text = svg('text', {y: node.radius + 14});
        text.textContent = shorten(node.label, 30);
        group.append(text);
      } else {
        const label = shorten(node.label, 32);
        const width = 22 + 7 * Array.from(label).length;
        node.radius = Math.max(14, width / 2);
        group.append(svg('rect', {x: -width / 2, y: -12, width, height: 24, rx: 12}));
        const text = svg('text', {y: 4});
        text.textContent = label;
        group.append(text);
      }
      group.append(title);
      node.group = group;
      nodeLayer.append(group);
    }
    markClasses();
    paint();
  }

  function paint() {
    for (const node of state.nodes) {
      node.group.setAttribute('transform', `translate(${node.x.toFixed(1)},${node.y.toFixed(1)})`);
    }
    for (const edge of state.edges) {
      const {source, target} = edge;
      const dx = target.x - source.x;
      const dy = target.y - source.y;
      const d = Math.hypot(dx, dy) || 1;
      const cut = edge.kind === 'relation' ? Math.min(target.radius + 3, d / 2) : 0;
      edge.line.setAttribute('x1', source.x.toFixed(1));
      edge.line.setAttribute('y1', source.y.toFixed(1));
      edge.line.setAttribute('x2', (target.x - (dx / d) * cut).toFixed(1));
      edge.line.setAttribute('y2', (target.y - (dy / d) * cut).toFixed(1));
      if (edge.text) {
        edge.text.setAttribute('x', ((source.x + target.x) / 2).toFixed(1));
        edge.text.setAttribute('y', ((source.y + target.y) / 2 - 4).toFixed(1));
      }
    }
    const v = state.view;
    $('viewport').setAttribute('transform', `translate(${v.x.toFixed(1)},${v.y.toFixed(1)}) scale(${v.k.toFixed(4)})`);
  }

  function markClasses() {
    const near = new Set();
    if (state.selected) {
      near.add(state.selected);
      for (const edge of state.edges) {
        if (edge.source.id === state.selected) near.add(edge.target.id);
        if (edge.target.id === state.selected) near.add(edge.source.id);
      }
    }
    for (const node of state.nodes) {
      node.group.classList.toggle('selected', node.id === state.selected);
      node.group.classList.toggle('hit', state.hits.has(node.id));
      node.group.classList.toggle('near', near.has(node.id));
    }
    for (const edge of state.edges) {
      const isNear = edge.source.id === state.selected || edge.target.id === state.selected;
      edge.line.classList.toggle('near', isNear);
      if (edge.text) edge.text.classList.toggle('near', isNear);
    }
    $('graph').classList.toggle('focusing', Boolean(state.selected) && state.hits.size === 0);
    $('graph').classList.toggle('searching', state.hits.size > 0);
    for (const item of document.querySelectorAll('#memory-list li, #search-results li')) {
      item.classList.toggle('selected', item.dataset.id === state.selected);
    }
  }

  // --- Force-directed layout ------------------------------------------------------

  function tick() {
    const nodes = state.nodes;
    const alpha = state.alpha;
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j];
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 < 1) {
          dx = (i - j) * 0.1 + 0.1;
          dy = 0.1;
          d2 = dx * dx + dy * dy;
        }
        if (d2 > 160000) continue;
        const f = (1000 * alpha) / d2;
        a.vx -= dx * f;
        a.vy -= dy * f;
        b.vx += dx * f;
        b.vy += dy * f;
      }
    }
    for (const edge of state.edges) {
      const {source, target} = edge;
      const dx = target.x - source.x;
      const dy = target.y - source.y;
      const d = Math.hypot(dx, dy) || 1;
      const rest = edge.kind === 'relation' ? 150 : 95;
      const f = ((d - rest) / d) * 0.06 * alpha;
      source.vx += dx * f;
      source.vy += dy * f;
      target.vx -= dx * f;
      target.vy -= dy * f;
    }
    for (const node of nodes) {
      node.vx -= node.x * 0.04 * alpha;
      node.vy -= node.y * 0.04 * alpha;
      if (node.fx !== null) {
        node.x = node.fx;
        node.y = node.fy;
        node.vx = node.vy = 0;
        continue;
      }
      node.vx *= 0.6;
      node.vy *= 0.6;
      node.x += node.vx;
      node.y += node.vy;
    }
    state.alpha *= 0.975;
  }

  function startLayout() {
    state.alpha = 1;
    $('graph').dataset.settled = 'false';
    // Settle most of the way before the first paint when the graph is small.
    const n = Math.max(1, state.nodes.length);
    const budget = Math.min(240, Math.floor(3e6 / (n * n)));
    for (let i = 0; i < budget && state.alpha > 0.02; i++) tick();
    fitView();
    paint();
    animate();
  }

  function reheat(alpha) {
    const wasIdle = state.frame === 0;
    state.alpha = Math.max(state.alpha, alpha);
    if (wasIdle) animate();
  }

  function animate() {
    if (state.frame) return;
    const step = () => {
      state.frame = 0;
      if (state.alpha < 0.005 || state.nodes.length === 0) {
        if (!state.touchedView) fitView();
        paint();
        $('graph').dataset.settled = 'true';
        return;
      }
      tick();
      if (!state.touchedView) fitView();
      paint();
      state.frame = requestAnimationFrame(step);
    };
    $('graph').dataset.settled = 'false';
    state.frame = requestAnimationFrame(step);
  }

  function stopLayout() {
    if (state.frame) cancelAnimationFrame(state.frame);
    state.frame = 0;
    state.alpha = 0;
  }

  // --- Zoom, pan and drag ---------------------------------------------------------

  function fitView() {
    const box = $('graph').getBoundingClientRect();
    if (state.nodes.length === 0 || box.width === 0) {
      state.view = {x: box.width / 2, y: box.height / 2, k: 1};
      return;
    }
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const node of state.nodes) {
      const r = node.kind === 'entity' ? node.radius : 90; // memory labels are wide
      minX = Math.min(minX, node.x - r);
      maxX = Math.max(maxX, node.x + r);
      minY = Math.min(minY, node.y - 20);
      maxY = Math.max(maxY, node.y + 34);
    }
    const pad = 30;
    const k = Math.max(0.15, Math.min(1.6, (box.width - 2 * pad) / (maxX - minX), (box.height - 2 * pad) / (maxY - minY)));
    state.view = {
      k,
      x: box.width / 2 - ((minX + maxX) / 2) * k,
      y: box.height / 2 - ((minY + maxY) / 2) * k,
    };
  }

  function zoomAt(factor, px, py) {
    const v = state.view;
    const k = Math.max(0.1, Math.min(5, v.k * factor));
    state.view = {k, x: px - ((px - v.x) / v.k) * k, y: py - ((py - v.y) / v.k) * k};
    state.touchedView = true;
    paint();
  }

  function setupInteraction() {
    const graph = $('graph');
    let gesture = null;

    const local = (event) => {
      const box = graph.getBoundingClientRect();
      return {x: event.clientX - box.left, y: event.clientY - box.top};
    };

    graph.addEventListener('wheel', (event) => {
      event.preventDefault();
      const p = local(event);
      zoomAt(Math.exp(-event.deltaY * 0.0015), p.x, p.y);
    }, {passive: false});

    graph.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      const p = local(event);
      const group = event.target.closest && event.target.closest('.node');
      const node = group ? state.byId.get(group.dataset.id) : null;
      gesture = {node, start: p, last: p, moved: false, pinned: node ? node.fx !== null : false};
      graph.setPointerCapture(event.pointerId);
      if (!node) graph.classList.add('panning');
    });

    graph.addEventListener('pointermove', (event) => {
      if (!gesture) return;
      const p = local(event);
      if (Math.hypot(p.x - gesture.start.x, p.y - gesture.start.y) > 4) gesture.moved = true;
      if (!gesture.moved) return;
      if (gesture.node) {
        const v = state.view;
        gesture.node.fx = (p.x - v.x) / v.k;
        gesture.node.fy = (p.y - v.y) / v.k;
        state.touchedView = true;
        reheat(0.3);
      } else {
        state.view.x += p.x - gesture.last.x;
        state.view.y += p.y - gesture.last.y;
        state.touchedView = true;
        paint();
      }
      gesture.last = p;
    });

    const end = () => {
      if (!gesture) return;
      const {node, moved} = gesture;
      gesture = null;
      graph.classList.remove('panning');
      if (!moved) {
        if (node) select(node.id);
        else if (state.selected) closeDetail();
      }
    };
    graph.addEventListener('pointerup', end);
    graph.addEventListener('pointercancel', end);
    graph.addEventListener('dblclick', (event) => {
      const group = event.target.closest && event.target.closest('.node');
      const node = group ? state.byId.get(group.dataset.id) : null;
      if (node) {
        node.fx = node.fy = null; // let a pinned node go
        reheat(0.2);
      }
    });

    const center = () => {
      const box = graph.getBoundingClientRect();
      return [box.width / 2, box.height / 2];
    };
    $('zoom-in').addEventListener('click', () => zoomAt(1.25, ...center()));
    $('zoom-out').addEventListener('click', () => zoomAt(0.8, ...center()));
    $('zoom-fit').addEventListener('click', () => {
      state.touchedView = false;
      fitView();
      paint();
    });
    // The panel changes size with the window and the detail panel.
    new ResizeObserver(() => {
      if (!state.touchedView) {
        fitView();
        paint();
      }
    }).observe(graph);
  }

  // --- Selection and the detail panel ------------------------------------------------

  function closeDetail() {
    state.selected = null;
    $('detail').hidden = true;
    if (state.nodes.length) markClasses();
  }

  function addMeta(name, value) {
    if (value === undefined || value === null || value === '') return;
    $('detail-meta').append(el('dt', '', name), el('dd', '', String(value)));
  }

  function neighbours(id) {
    const out = [];
    for (const edge of state.edges) {
      if (edge.source.id === id) out.push({edge, other: edge.target, outgoing: true});
      else if (edge.target.id === id) out.push({edge, other: edge.source, outgoing: false});
    }
    return out;
  }

  async function select(id) {
    state.selected = id;
    const node = state.byId.get(id);
    markClasses();
    const detail = $('detail');
    detail.hidden = false;
    detail.dataset.id = id;
    $('detail-meta').replaceChildren();
    $('detail-list').replaceChildren();
    if (node && node.kind === 'entity') {
      showEntity(node);
      return;
    }
    $('detail-kind').textContent = 'Memory';
    $('detail-text').textContent = node ? node.label : '';
    $('detail-list-title').textContent = 'History';
    detail.dataset.history = 'loading';
    try {
      const [item, history] = await Promise.all([
        api(`/memories/${encodeURIComponent(id)}`),
        api(`/memories/${encodeURIComponent(id)}/history`),
      ]);
      if (state.selected !== id) return;
      $('detail-text').textContent = String(item.memory ?? '');
      addMeta('id', item.id);
      addMeta('created', when(item.created_at));
      addMeta('updated', when(item.updated_at));
      for (const kind of SCOPE_KINDS) addMeta(kind.replace('_id', ''), item[kind]);
      if (item.metadata && Object.keys(item.metadata).length) addMeta('metadata', JSON.stringify(item.metadata));
      const mentions = neighbours(id).filter((n) => n.other.kind === 'entity').map((n) => n.other.label);
      if (mentions.length) addMeta('mentions', mentions.join(', '));
      renderHistory(Array.isArray(history) ? history : []);
      detail.dataset.history = 'ready';
    } catch (error) {
      detail.dataset.history = 'error';
      if (!(error instanceof AuthError)) report(error);
    }
  }

  function renderHistory(history) {
    const list = $('detail-list');
    list.replaceChildren();
    for (const entry of history) {
      const event = String(entry.event ?? '');
      const item = el('li', 'history-entry');
      item.dataset.event = event;
      item.append(el('span', `event ${['ADD', 'UPDATE', 'DELETE'].includes(event) ? event : ''}`, event));
      item.append(el('span', 'when', when(entry.created_at)));
      if (event === 'UPDATE' && entry.old_memory) item.append(el('span', 'old', String(entry.old_memory)));
      const text = event === 'DELETE' ? entry.old_memory : entry.new_memory;
      if (text) item.append(el('span', 'new', String(text)));
      list.append(item);
    }
    if (history.length === 0) list.append(el('li', 'note', 'No history recorded.'));
  }

  function showEntity(node) {
    $('detail-kind').textContent = 'Entity';
    $('detail-text').textContent = node.label;
    addMeta('type', node.data.entity_type);
    const around = neighbours(node.id);
    for (const {edge, other, outgoing} of around) {
      if (edge.kind !== 'relation') continue;
      const from = outgoing ? node.label : other.label;
      const to = outgoing ? other.label : node.label;
      addMeta('relation', `${from} → ${edge.label.replace(/_/g, ' ')} → ${to}`);
    }
    $('detail-list-title').textContent = 'Mentioned by';
    const list = $('detail-list');
    for (const {other} of around) {
      if (other.kind !== 'memory') continue;
      const item = el('li', 'clickable', other.label);
      item.addEventListener('click', () => select(other.id));
      list.append(item);
    }
    if (!list.children.length) list.append(el('li', 'note', 'No memory mentions it.'));
    $('detail').dataset.history = 'ready';
  }

  // --- Search ---------------------------------------------------------------------

  function clearSearch() {
    state.hits = new Set();
    $('search-section').hidden = true;
    $('search-results').replaceChildren();
    if (state.nodes.length) markClasses();
  }

  async function search(query) {
    if (!state.scope) {
      setStatus('Open a user, agent or run first.', true);
      return;
    }
    if (!query) {
      clearSearch();
      return;
    }
    const body = {query, limit: 20};
    body[state.scope.kind] = state.scope.id;
    const found = await api('/search', {method: 'POST', body});
    const results = Array.isArray(found.results) ? found.results : [];
    const list = $('search-results');
    list.replaceChildren();
    for (const result of results) {
      const item = el('li');
      item.dataset.id = String(result.id);
      const score = typeof result.score === 'number' ? result.score.toFixed(2) : '–';
      item.append(el('span', 'score', score), el('span', 'text', String(result.memory ?? '')));
      item.addEventListener('click', () => select(String(result.id)));
      list.append(item);
    }
    if (results.length === 0) list.append(el('li', 'note', 'Nothing matches.'));
    $('search-count').textContent = String(results.length);
    $('search-section').hidden = false;
    state.hits = new Set(results.map((r) => String(r.id)));
    markClasses();
  }

  // --- Wiring ---------------------------------------------------------------------

  function run(promise) {
    promise.catch((error) => {
      if (!(error instanceof AuthError)) report(error);
    });
  }

  function init() {
    setupInteraction();
    $('scope-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const id = $('scope-id').value.trim();
      if (!id) return;
      state.scope = {kind: $('scope-kind').value, id};
      const url = new URL(window.location.href);
      url.search = '';
      url.searchParams.set(state.scope.kind, id);
      history.replaceState(null, '', url);
      run(load());
    });
    $('search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      run(search($('search-input').value.trim()));
    });
    $('search-clear').addEventListener('click', () => {
      $('search-input').value = '';
      clearSearch();
    });
    $('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = $('key-input').value;
      if (!key) return;
      try {
        sessionStorage.setItem(KEY_STORAGE, key);
      } catch (e) {
        setStatus('This browser keeps no session storage.', true);
        return;
      }
      $('key-form').hidden = true;
      setStatus('');
      run(load());
    });
    $('detail-close').addEventListener('click', closeDetail);
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      if (state.selected) closeDetail();
      else clearSearch();
    });
    state.scope = scopeFromUrl();
    if (!state.scope) $('scope-id').focus();
    run(load());
  }

  init();
})();
