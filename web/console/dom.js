// A small element builder: text always goes in as text, never as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

let nextId = 0;

/** A labelled form field; `input` gets an id tied to the label. */
export function field(label, input, hint) {
  if (!input.id) input.id = `f${++nextId}`;
  const hintEl = hint ? h('small', { id: `${input.id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl);
}

/** A checkbox with its label after it. */
export function check(label, input) {
  if (!input.id) input.id = `f${++nextId}`;
  return h('div', { class: 'field check' }, input, ' ', h('label', { for: input.id }, label));
}

export function table(caption, headers, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'muted', style: null }, caption),
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col', class: x.num ? 'num' : null }, x.label || x)))),
      h('tbody', {}, rows),
    ),
  );
}

export function money(n) {
  return n === undefined || n === null ? '' : `$${Number(n).toFixed(2)}`;
}

export function when(t) {
  return t ? new Date(t).toLocaleString() : '';
}

/** Shows a message in the page's alert area (errors in words; `ok` for success). */
export function notice(text, kind = 'error') {
  const el = document.getElementById('notice');
  el.replaceChildren();
  if (text) el.append(h('div', { class: kind }, text));
}

export function errorBox(text) {
  return h('p', { class: 'error', role: 'alert' }, text);
}

export function pager(page, onGo) {
  const total = page.totalPages || 1;
  return h(
    'div',
    { class: 'pager' },
    h('button', { class: 'secondary', disabled: page.page <= 1, onclick: () => onGo(page.page - 1) }, 'Previous'),
    h('span', {}, `Page ${page.page} of ${total} (${page.total} in all)`),
    h('button', { class: 'secondary', disabled: page.page >= total, onclick: () => onGo(page.page + 1) }, 'Next'),
  );
}

/** Replaces an element's children, skipping empty ones (null, undefined, false). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Appends children, skipping empty ones. */
export function add(el, ...children) {
  append(el, children);
  return el;
}
