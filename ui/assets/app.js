// The page of `weft ui`: three views (workflows, runs, one run) over the JSON API of
// ui/ui_api.h. Plain DOM, no framework.
//
// Every piece of user data (inputs, results, failures, names, ids, diagnostics) reaches the page
// through textContent or an attribute value, never through innerHTML: a payload is text, whatever
// it holds. The server's Content-Security-Policy forbids inline scripts besides.
'use strict';

// ---- Talking to the server ----------------------------------------------------------------

// Off loopback, `weft ui` prints an address with ?token=...: keep it for this tab and take it
// out of the address bar.
const token = (() => {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('weft-token', fromUrl);
    history.replaceState(null, '', location.pathname + location.hash);
  }
  return sessionStorage.getItem('weft-token') || '';
})();

async function api(path, body) {
  const headers = {'Accept': 'application/json'};
  if (token) headers['X-Weft-Token'] = token;
  const options = {headers};
  if (body !== undefined) {
    options.method = 'POST';
    // The server refuses state changes without it: a cross-site page cannot send it.
    headers['X-Weft-Request'] = '1';
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let value;
  try {
    value = await response.json();
  } catch (e) {
    value = {error: response.status + ' ' + response.statusText};
  }
  if (!response.ok) {
    const error = new Error(value.error || String(response.status));
    error.details = value;
    throw error;
  }
  return value;
}

// ---- Building the DOM ----------------------------------------------------------------------

// el('div', {class: 'x', onclick: f}, 'text', child...): strings become text nodes.
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const svgNs = 'http://www.w3.org/2000/svg';
function svg(tag, attributes, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const kTruncateAt = 2000;

// A JSON value as text, cut at kTruncateAt characters with a button that shows it whole.
function payload(value, label) {
  const text = value === undefined ? '' : JSON.stringify(value, null, 2);
  const pre = el('pre', {class: 'payload', 'data-payload': label || ''});
  if (text.length <= kTruncateAt) {
    pre.textContent = text;
    return pre;
  }
  pre.textContent = text.slice(0, kTruncateAt) + '\u2026';
  const more = el('button', {
    class: 'link',
    onclick: () => {
      pre.textContent = text;
      more.remove();
    },
  }, `show all (${text.length.toLocaleString()} characters)`);
  return el('div', {}, pre, more);
}

function time(ms) {
  return ms ? new Date(ms).toLocaleString() : '';
}

function statusBadge(status) {
  return el('span', {class: 'badge status-' + status, 'data-status': status}, status);
}

function errorBox(error) {
  const box = el('div', {class: 'error', role: 'alert'}, error.message);
  const details = error.details || {};
  for (const item of details.input_errors || []) {
    box.append(el('div', {}, `input ${item.pointer || '(whole)'}: ${item.message}`));
  }
  if (details.failure) box.append(payload(details.failure, 'failure'));
  return box;
}

function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
    dialog.showModal();
  });
}

// ---- The graph -----------------------------------------------------------------------------

const kNodeWidth = 210;
const kNodeHeight = 48;
const kLayerGap = 40;
const kColumnGap = 26;

// Layers by the longest path from `start` over the edges that are not loops' back edges, so
// that every edge but those points down; within a layer, nodes keep the order the server gave.
function layout(graph) {
  const outgoing = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) {
    if (outgoing.has(edge.from) && outgoing.has(edge.to)) outgoing.get(edge.from).push(edge);
  }
  const back = new Set();
  const state = new Map();  // 1 on the stack, 2 done
  const visit = (id) => {
    state.set(id, 1);
    for (const edge of outgoing.get(id)) {
      const s = state.get(edge.to);
      if (s === 1) {
        back.add(edge);
      } else if (!s) {
        visit(edge.to);
      }
    }
    state.set(id, 2);
  };
  for (const node of graph.nodes) if (!state.get(node.id)) visit(node.id);

  const layer = new Map(graph.nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation; the forward graph is acyclic, so |nodes| rounds suffice.
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const edge of graph.edges) {
      if (back.has(edge) || !layer.has(edge.from) || !layer.has(edge.to)) continue;
      if (layer.get(edge.to) < layer.get(edge.from) + 1) {
        layer.set(edge.to, layer.get(edge.from) + 1);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const rows = [];
  for (const node of graph.nodes) {
    const row = layer.get(node.id);
    (rows[row] = rows[row] || []).push(node);
  }
  // Fewer crossings: each layer ordered by where its nodes' predecessors sit (barycentres).
  const incoming = new Map(graph.nodes.map((n) => [n.id, []]));
  for (const edge of graph.edges) {
    if (!back.has(edge) && incoming.has(edge.to) && layer.has(edge.from)) {
      incoming.get(edge.to).push(edge.from);
    }
  }
  const column = new Map();
  rows.forEach((row) => {
    if (!row) return;
    const centre = (node) => {
      const sources = incoming.get(node.id).filter((id) => column.has(id));
      return sources.length ?
        sources.reduce((sum, id) => sum + column.get(id), 0) / sources.length : Infinity;
    };
    const order = new Map(row.map((node, i) => [node.id, i]));
    row.sort((a, b) => (centre(a) - centre(b)) || (order.get(a.id) - order.get(b.id)));
    row.forEach((node, i) => column.set(node.id, i / Math.max(1, row.length - 1)));
  });
  const width = Math.max(1, ...rows.map((r) => (r ? r.length : 0)));
  const position = new Map();
  rows.forEach((row, y) => {
    if (!row) return;
    const offset = ((width - row.length) * (kNodeWidth + kColumnGap)) / 2;
    row.forEach((node, x) => {
      position.set(node.id, {
        x: 50 + offset + x * (kNodeWidth + kColumnGap),
        y: 20 + y * (kNodeHeight + kLayerGap),
      });
    });
  });
  return {
    position,
    back,
    width: 70 + width * (kNodeWidth + kColumnGap),
    height: 40 + rows.length * (kNodeHeight + kLayerGap),
  };
}

function stateText(state) {
  if (!state) return 'not reached';
  let text = state.state;
  if (state.state === 'retrying') text += ` (attempt ${state.attempt})`;
  if (state.state === 'awaiting' && state.signal) text += ` signal ${state.signal}`;
  if (state.state === 'waiting' && state.due_ms) {
    const left = Math.max(0, Math.round((state.due_ms - Date.now()) / 1000));
    text += ` (${left} s left)`;
  }
  if (state.iterations) {
    const it = state.iterations;
    text += ` \u00b7 ${it.done} done, ${it.running} running` + (it.failed ? `, ${it.failed} failed` : '');
  }
  if (state.branches) {
    const b = state.branches;
    text += ` \u00b7 ${b.done} of ${b.total} branches done, ${b.running} running` +
        (b.failed ? `, ${b.failed} failed` : '');
  }
  return text;
}

// The graph as SVG; `states` (step id to state) colours the steps of a run; `onStep` is called
// with the step id a click selects.
function drawGraph(graph, states, onStep) {
  const {position, back, width, height} = layout(graph);
  const root = svg('svg', {
    class: 'graph',
    viewBox: `0 0 ${width} ${height}`,
    width: String(width),
    height: String(height),
    role: 'img',
  });
  root.append(svg('defs', {},
      svg('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5',
        markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse'},
      svg('path', {d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead'}))));
  const edges = svg('g', {class: 'edges'});
  for (const edge of graph.edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + kNodeWidth / 2;
    const y1 = from.y + kNodeHeight;
    const x2 = to.x + kNodeWidth / 2;
    const y2 = to.y;
    let d;
    if (back.has(edge) || y2 <= y1) {
      // A loop's way back: out of the left side, around every node between the two.
      let left = Math.min(from.x, to.x);
      for (const p of position.values()) {
        if (p.y >= Math.min(from.y, to.y) && p.y <= Math.max(from.y, to.y)) left = Math.min(left, p.x);
      }
      const side = left - 26;
      const fromY = from.y + kNodeHeight / 2;
      const toY = to.y + kNodeHeight / 2;
      d = `M ${from.x} ${fromY} C ${side} ${fromY}, ${side} ${toY}, ${to.x} ${toY}`;
    } else {
      const mid = (y1 + y2) / 2;
      d = `M ${x1} ${y1} C ${x1} ${mid}, ${x2} ${mid}, ${x2} ${y2}`;
    }
    const path = svg('path', {d, class: 'edge' + (edge.dotted ? ' dotted' : ''),
      'marker-end': 'url(#arrow)'});
    const group = svg('g', {}, path);
    if (edge.label) {
      const label = svg('text', {x: String((x1 + x2) / 2 + 4), y: String((y1 + y2) / 2 + 4),
        class: 'edge-label'});
      label.textContent = edge.label.length > 28 ? edge.label.slice(0, 27) + '\u2026' : edge.label;
      group.append(label);
    }
    edges.append(group);
  }
  root.append(edges);
  for (const node of graph.nodes) {
    const at = position.get(node.id);
    const state = node.step && node.id === 's_' + node.step ? (states || {})[node.step] : undefined;
    const stateName = state ? state.state : (states ? 'not_reached' : 'plain');
    const group = svg('g', {
      class: `node kind-${node.kind} state-${stateName}`,
      transform: `translate(${at.x} ${at.y})`,
      'data-node': node.id,
    });
    if (node.step && node.id === 's_' + node.step) {
      group.setAttribute('data-step', node.step);
      group.setAttribute('data-state', stateName);
      group.setAttribute('tabindex', '0');
      if (onStep) group.addEventListener('click', () => onStep(node.step));
    }
    const round = ['start', 'end', 'failed', 'restart', 'skip'].includes(node.kind);
    group.append(svg('rect', {width: String(kNodeWidth), height: String(kNodeHeight),
      rx: round ? '24' : '6', class: 'box'}));
    const lines = node.label.split('\n');
    lines.slice(0, 2).forEach((line, i) => {
      const text = svg('text', {x: '10', y: String(lines.length > 1 ? 19 + i * 17 : 29),
        class: i === 0 ? 'title' : 'detail'});
      text.textContent = line.length > 31 ? line.slice(0, 30) + '\u2026' : line;
      group.append(text);
    });
    // What a step is doing, where there is more to say than its colour: the attempt, the time
    // left, the signal awaited, the iterations or branches done.
    if (state && (state.attempt || state.due_ms || state.signal || state.iterations ||
                  state.branches)) {
      const note = svg('text', {x: '4', y: String(kNodeHeight + 12), class: 'state-note'});
      note.textContent = stateText(state);
      group.append(note);
    }
    const title = svg('title', {});
    title.textContent = node.label + (states && node.step ? '\n' + stateText(state) : '');
    group.append(title);
    root.append(group);
  }
  return el('div', {class: 'graph-frame'}, root);
}

// ---- Views ---------------------------------------------------------------------------------

const main = () => document.getElementById('main');
let refreshTimer = null;

function show(...children) {
  main().replaceChildren(...children);
}

async function workflowsView(selected) {
  const data = await api('/api/workflows');
  const list = el('ul', {class: 'workflow-list'});
  for (const workflow of data.workflows) {
    list.append(el('li', {class: workflow.name === selected ? 'selected' : ''},
        el('a', {href: '#/workflows/' + encodeURIComponent(workflow.name),
          'data-workflow': workflow.name}, workflow.name),
        el('span', {class: 'muted'}, ` v${workflow.version}`),
        el('span', {class: 'badge valid'}, 'valid')));
  }
  for (const broken of data.invalid) {
    list.append(el('li', {class: 'invalid'},
        el('span', {}, broken.file), el('span', {class: 'badge invalid'}, 'invalid'),
        el('ul', {class: 'diagnostics'}, broken.diagnostics.map((d) =>
          el('li', {}, `${d.code} line ${d.line}:${d.column} ${d.path}: ${d.message}` +
              (d.hint ? ` (${d.hint})` : ''))))));
  }
  const workflow = data.workflows.find((w) => w.name === selected) || data.workflows[0];
  show(el('div', {class: 'split'},
      el('aside', {}, el('h2', {}, 'Workflows'), list),
      workflow ? workflowDetail(workflow) : el('p', {}, 'No workflow in the folder.')));
}

// A starting input from the schema: each required property with a value of its type.
function sampleInput(schema) {
  if (!schema || typeof schema !== 'object') return {};
  if (schema.default !== undefined) return schema.default;
  switch (schema.type) {
    case 'object': {
      const value = {};
      for (const name of schema.required || []) {
        value[name] = sampleInput((schema.properties || {})[name]);
      }
      return value;
    }
    case 'array': return [];
    case 'string': return '';
    case 'number': case 'integer': return 0;
    case 'boolean': return false;
    default: return schema.properties ? sampleInput({...schema, type: 'object'}) : null;
  }
}

function workflowDetail(workflow) {
  const input = el('textarea', {id: 'start-input', rows: '8', spellcheck: 'false'});
  input.value = JSON.stringify(sampleInput(workflow.input_schema), null, 2);
  const workflowId = el('input', {id: 'start-id', placeholder: 'workflow id (default: a new one)'});
  const message = el('div', {});
  const start = async (event) => {
    event.preventDefault();
    message.replaceChildren();
    let value;
    try {
      value = JSON.parse(input.value || '{}');
    } catch (e) {
      message.append(errorBox(new Error('the input is not JSON: ' + e.message)));
      return;
    }
    try {
      const started = await api('/api/workflows/' + encodeURIComponent(workflow.name) + '/start',
          {input: value, workflow_id: workflowId.value});
      location.hash = '#/runs/' + encodeURIComponent(started.workflow_id);
    } catch (e) {
      message.append(errorBox(e));
    }
  };
  return el('section', {class: 'detail'},
      el('h2', {}, workflow.name, el('span', {class: 'muted'}, ` v${workflow.version}`)),
      el('p', {}, workflow.description),
      el('dl', {},
          el('dt', {}, 'sha256'), el('dd', {class: 'mono'}, workflow.sha256),
          el('dt', {}, 'file'), el('dd', {class: 'mono'}, workflow.file),
          el('dt', {}, 'handlers'), el('dd', {}, handlerText(workflow.handlers))),
      drawGraph(workflow.graph, null, null),
      el('h3', {}, 'Input schema'), payload(workflow.input_schema, 'schema'),
      el('h3', {}, 'Start a run'),
      el('form', {id: 'start-form', onsubmit: start},
          el('label', {}, 'Input (JSON)', input),
          el('label', {}, 'Workflow id', workflowId),
          el('button', {type: 'submit', id: 'start-button'}, 'Start'),
          el('a', {href: '#/runs?workflow=' + encodeURIComponent(workflow.name)}, ' runs of it')),
      message);
}

function handlerText(handlers) {
  const parts = [];
  for (const kind of ['signals', 'queries', 'updates']) {
    const names = (handlers[kind] || []).map((h) => h.name);
    if (names.length) parts.push(`${kind}: ${names.join(', ')}`);
  }
  return parts.join('; ') || 'none';
}

const kStatuses = ['pending', 'running', 'completed', 'failed', 'cancelled', 'terminated',
  'timed_out', 'continued_as_new'];

async function runsView(params) {
  const query = new URLSearchParams(params);
  const page = Number(query.get('page') || 0);
  // `within` (ms) stays relative in the address, so that a refresh moves the window along.
  const apiQuery = new URLSearchParams(query);
  apiQuery.delete('within');
  if (query.get('within')) apiQuery.set('since_ms', String(Date.now() - Number(query.get('within'))));
  const [data, workflows] = await Promise.all([
    api('/api/runs?' + apiQuery.toString()), api('/api/workflows')]);
  const go = (changes) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '' || v === null) next.delete(k); else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    location.hash = '#/runs?' + next.toString();
  };
  const workflowSelect = el('select', {id: 'filter-workflow',
    onchange: (e) => go({workflow: e.target.value})},
  el('option', {value: ''}, 'every workflow'),
  workflows.workflows.map((w) => el('option', {value: w.name,
    selected: w.name === query.get('workflow')}, w.name)));
  const statusSelect = el('select', {id: 'filter-status',
    onchange: (e) => go({status: e.target.value})},
  el('option', {value: ''}, 'every status'),
  kStatuses.map((s) => el('option', {value: s, selected: s === query.get('status')}, s)));
  const within = el('select', {id: 'filter-within',
    onchange: (e) => go({within: e.target.value})},
  [['', 'any time'], [String(3600e3), 'last hour'], [String(86400e3), 'last day'],
    [String(7 * 86400e3), 'last week']].map(([value, label]) =>
    el('option', {value, selected: value === (query.get('within') || '')}, label)));
  const search = el('input', {id: 'filter-q', placeholder: 'search by id',
    value: query.get('q') || ''});
  const counts = el('div', {class: 'counts'}, Object.entries(data.counts).map(([status, n]) =>
    el('button', {class: 'link', onclick: () => go({status})}, statusBadge(status), ` ${n}`)));
  const rows = data.runs.map((run) => el('tr', {'data-run': run.workflow_id},
      el('td', {}, el('a', {href: '#/runs/' + encodeURIComponent(run.workflow_id) +
        '?run_id=' + encodeURIComponent(run.run_id)}, run.workflow_id)),
      el('td', {}, run.workflow), el('td', {}, statusBadge(run.status)),
      el('td', {}, time(run.created_ms)), el('td', {}, time(run.closed_ms))));
  const pages = Math.max(1, Math.ceil(data.total / data.page_size));
  show(el('section', {},
      el('h2', {}, 'Runs'),
      el('form', {class: 'filters', onsubmit: (e) => {
        e.preventDefault(); go({q: search.value});
      }}, workflowSelect, statusSelect, within, search, el('button', {type: 'submit'}, 'Search')),
      counts,
      el('table', {class: 'runs'},
          el('thead', {}, el('tr', {}, ['workflow id', 'workflow', 'status', 'started', 'closed']
              .map((h) => el('th', {}, h)))),
          el('tbody', {}, rows)),
      el('div', {class: 'pager'},
          el('button', {disabled: page <= 0, onclick: () => go({page: page - 1})}, 'newer'),
          ` page ${page + 1} of ${pages} (${data.total} runs) `,
          el('button', {disabled: page + 1 >= pages, onclick: () => go({page: page + 1})},
              'older'))));
  refreshTimer = setTimeout(() => route(), 3000);
}

let selectedStep = null;
let actionPanel = null;  // {key: the run, node}: the action form, kept while the run is shown

async function runView(workflowId, params) {
  const runId = new URLSearchParams(params).get('run_id') || '';
  const path = '/api/runs/' + encodeURIComponent(workflowId) +
      (runId ? '?run_id=' + encodeURIComponent(runId) : '');
  const data = await api(path);
  const run = data.run;
  const states = data.states || {};
  const stepPanel = el('div', {class: 'step-panel', id: 'step-panel'},
      el('p', {class: 'muted'}, 'Click a step: its state, attempts, operations and failure.'));
  const showStep = (step) => {
    selectedStep = step;
    stepPanel.replaceChildren(stepDetail(step, states[step], run));
  };
  const parts = [
    el('h2', {}, run.workflow_id, ' ', statusBadge(run.status)),
    el('dl', {},
        el('dt', {}, 'workflow'), el('dd', {}, run.workflow),
        el('dt', {}, 'run id'), el('dd', {class: 'mono'}, run.run_id),
        el('dt', {}, 'started'), el('dd', {}, time(run.created_ms)),
        run.closed_ms ? [el('dt', {}, 'closed'), el('dd', {}, time(run.closed_ms))] : []),
  ];
  if (data.definition) {
    const d = data.definition;
    parts.push(el('p', {class: 'pin' + (d.differs ? ' differs' : '')},
        `definition v${d.version}, sha256 ${(d.pinned_sha256 || d.sha256).slice(0, 12)}`,
        d.differs ? ' \u2014 the folder\u2019s file has changed since this run started; the ' +
            'graph is the file\u2019s' : '',
        d.current_version !== d.version ? ` (the folder\u2019s newest is v${d.current_version})` : ''));
    parts.push(el('div', {class: 'run-graph'}, drawGraph(data.graph, states, showStep), stepPanel));
    parts.push(legend());
  } else {
    parts.push(el('p', {class: 'muted'}, 'No definition of this name in the folder: no graph.'));
  }
  if (run.status === 'running' || run.status === 'pending') {
    // The same form across refreshes: what the user types, and where, stays.
    const key = workflowId + '\n' + runId;
    if (!actionPanel || actionPanel.key !== key) {
      actionPanel = {key, node: actions(workflowId, runId, data.handlers || {})};
    }
    parts.push(actionPanel.node);
  }
  parts.push(el('h3', {}, 'Input'), payload(run.input, 'input'));
  if ('result' in run) parts.push(el('h3', {}, 'Result'), payload(run.result, 'result'));
  if ('failure' in run) {
    parts.push(el('h3', {}, 'Failure'),
        el('p', {class: 'error', id: 'run-failure'}, failureText(run.failure)),
        payload(run.failure, 'failure'));
  }
  parts.push(el('h3', {}, 'History'), historyTable(run));
  if (data.definition) {
    parts.push(el('details', {}, el('summary', {}, 'Pinned definition (canonical form)'),
        payload(data.definition.canonical, 'definition')));
  }
  // The graph's scroll position and the open step survive a refresh too.
  const frame = document.querySelector('.run-graph .graph-frame');
  const scroll = frame ? [frame.scrollLeft, frame.scrollTop] : null;
  // Moving the form blurs what had the focus: give it back, with the caret where it was.
  const focused = actionPanel && actionPanel.node.contains(document.activeElement) ?
    document.activeElement : null;
  const caret = focused && 'selectionStart' in focused ?
    [focused.selectionStart, focused.selectionEnd] : null;
  show(el('section', {class: 'run'}, parts));
  if (focused) {
    focused.focus();
    if (caret) focused.setSelectionRange(...caret);
  }
  const newFrame = document.querySelector('.run-graph .graph-frame');
  if (scroll && newFrame) [newFrame.scrollLeft, newFrame.scrollTop] = scroll;
  if (selectedStep && selectedStep in states) showStep(selectedStep);
  if (run.status === 'running' || run.status === 'pending') {
    refreshTimer = setTimeout(() => route(), 1000);
  }
}

function failureText(failure) {
  let root = failure;
  while (root && root.cause) root = root.cause;
  return `${(root && root.type) || 'Error'}: ${(root && root.message) || ''}` +
      (failure && failure.step ? ` (step ${failure.step})` : '');
}

function legend() {
  return el('div', {class: 'legend'}, ['not_reached', 'running', 'retrying', 'waiting',
    'awaiting', 'completed', 'failed', 'compensated', 'skipped', 'cancelled'].map((s) =>
    el('span', {class: 'legend-item state-' + s}, s.replace('_', ' '))));
}

function stepDetail(step, state, run) {
  const parts = [el('h3', {}, step), el('p', {}, stateText(state))];
  if (state && state.last_failure) {
    parts.push(el('h4', {}, 'Last failure'), payload(state.last_failure, 'last_failure'));
  }
  if (state && state.failure) {
    parts.push(el('h4', {}, 'Failure'), el('p', {class: 'error'}, failureText(state.failure)),
        payload(state.failure, 'step_failure'));
  }
  const operations = (run.operations || []).filter((o) => o.step === step ||
      o.step.startsWith(step + '[') || o.step.endsWith('/' + step) ||
      o.step.includes('/' + step + '['));
  for (const o of operations) {
    parts.push(el('h4', {}, `${o.step}: ${o.kind} ${o.what || ''} \u2014 ${o.status}`));
    if ('input' in o) parts.push(el('div', {class: 'muted'}, 'input'), payload(o.input, 'op_input'));
    if ('result' in o) parts.push(el('div', {class: 'muted'}, 'result'), payload(o.result, 'op_result'));
    if ('failure' in o) {
      parts.push(el('div', {class: 'muted'}, 'failure'), payload(o.failure, 'op_failure'));
    }
  }
  return el('div', {}, parts);
}

function historyTable(run) {
  const history = run.history || [];
  if (!history.length) {
    return el('p', {class: 'muted'}, 'No history recorded here (a Temporal run: see its ' +
        'history in the Temporal UI).');
  }
  // A long history is drawn a page at a time, so that 10,000 events stay quick.
  const kPage = 200;
  const body = el('tbody', {});
  let shown = 0;
  const more = el('button', {class: 'link'}, '');
  const showMore = () => {
    const next = history.slice(shown, shown + kPage);
    for (const entry of next) {
      body.append(el('tr', {},
          el('td', {}, String(entry.seq)), el('td', {}, time(entry.time_ms)),
          el('td', {}, entry.events.join('\n')), el('td', {}, entry.commands.join('\n'))));
    }
    shown += next.length;
    more.textContent = `show more (${history.length - shown} left)`;
    more.hidden = shown >= history.length;
  };
  more.addEventListener('click', showMore);
  showMore();
  return el('div', {}, run.history_omitted ? el('p', {class: 'muted'},
      `${run.history_omitted} earlier entries left out`) : null,
  el('table', {class: 'history'}, el('thead', {}, el('tr', {},
      ['#', 'time', 'what happened', 'what the run did'].map((h) => el('th', {}, h)))), body),
  more);
}

function actions(workflowId, runId, handlers) {
  const base = '/api/runs/' + encodeURIComponent(workflowId);
  const suffix = runId ? '?run_id=' + encodeURIComponent(runId) : '';
  const kind = el('select', {id: 'action-kind'},
      ['signal', 'update', 'query'].map((k) => el('option', {value: k}, k)));
  const name = el('select', {id: 'action-name'});
  const fillNames = () => {
    const list = handlers[{signal: 'signals', update: 'updates', query: 'queries'}[kind.value]] || [];
    name.replaceChildren(...list.map((h) => el('option', {value: h.name}, h.name)));
  };
  kind.addEventListener('change', fillNames);
  fillNames();
  const editor = el('textarea', {id: 'action-payload', rows: '4', spellcheck: 'false'});
  editor.value = '{}';
  const output = el('div', {id: 'action-output'});
  const send = async (event) => {
    event.preventDefault();
    output.replaceChildren();
    let value;
    try {
      value = JSON.parse(editor.value || 'null');
    } catch (e) {
      output.append(errorBox(new Error('the payload is not JSON: ' + e.message)));
      return;
    }
    if (!name.value) {
      output.append(errorBox(new Error(`the definition declares no ${kind.value}`)));
      return;
    }
    try {
      const answer = await api(base + '/' + kind.value + suffix, {name: name.value, payload: value});
      output.append(el('p', {class: 'ok'}, `${kind.value} ${name.value} sent` +
          (answer.queued ? ' (queued: no engine executes the run now)' : '')));
      if ('result' in answer) output.append(payload(answer.result, 'answer'));
      if (kind.value !== 'query') route();
    } catch (e) {
      output.append(errorBox(e));
    }
  };
  const stop = (action) => async () => {
    if (!await confirmAction(`${action} the run ${workflowId}? This cannot be undone.`)) return;
    try {
      await api(base + '/' + action + suffix, {reason: `${action} from weft ui`});
      route();
    } catch (e) {
      output.append(errorBox(e));
    }
  };
  return el('section', {class: 'actions'},
      el('h3', {}, 'Act on the run'),
      el('form', {id: 'action-form', onsubmit: send}, kind, name,
          el('label', {}, 'Payload (JSON)', editor),
          el('button', {type: 'submit', id: 'action-send'}, 'Send')),
      el('div', {class: 'stop'},
          el('button', {id: 'action-cancel', onclick: stop('cancel')}, 'Cancel'),
          el('button', {id: 'action-terminate', class: 'danger', onclick: stop('terminate')},
              'Terminate')),
      output);
}

// ---- Routing -------------------------------------------------------------------------------

async function route() {
  clearTimeout(refreshTimer);
  const hash = location.hash.slice(1) || '/workflows';
  const [path, params = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  document.getElementById('nav-workflows').classList.toggle('current', parts[0] === 'workflows');
  document.getElementById('nav-runs').classList.toggle('current', parts[0] === 'runs');
  try {
    if (parts[0] === 'runs' && parts.length > 1) {
      await runView(parts[1], params);
    } else if (parts[0] === 'runs') {
      await runsView(params);
    } else {
      await workflowsView(parts[1]);
    }
  } catch (e) {
    show(errorBox(e));
  }
}

window.addEventListener('hashchange', () => {
  selectedStep = null;
  actionPanel = null;
  route();
});
window.addEventListener('DOMContentLoaded', async () => {
  try {
    const info = await api('/api/info');
    document.getElementById('engine').textContent = info.engine === 'temporal' ?
      `Temporal ${info.address} / ${info.namespace}` : `embedded ${info.journal}`;
  } catch (e) {
    document.getElementById('engine').textContent = e.message;
  }
  route();
});
