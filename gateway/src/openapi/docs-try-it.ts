import { createHash } from 'node:crypto';

/**
 * The reference page's one script: each operation's form sends its request from the page
 * (same origin) and shows the answer. It reads inputs and writes text only (`textContent`),
 * never HTML, and keeps the token in the page, never in storage.
 */
export const TRY_IT_SCRIPT = `document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains('try')) return;
  event.preventDefault();
  let path = form.dataset.path;
  const query = new URLSearchParams();
  const headers = { accept: 'application/json' };
  for (const input of form.querySelectorAll('input[data-in]')) {
    if (input.value === '') continue;
    if (input.dataset.in === 'path') path = path.replace('{' + input.name + '}', encodeURIComponent(input.value));
    else if (input.dataset.in === 'query') query.set(input.name, input.value);
    else headers[input.name] = input.value;
  }
  const token = document.getElementById('token').value.trim();
  if (token) headers.authorization = 'Bearer ' + token;
  const init = { method: form.dataset.method.toUpperCase(), headers };
  const body = form.querySelector('textarea');
  if (body && body.value.trim() !== '') {
    headers['content-type'] = 'application/json';
    init.body = body.value;
  }
  const output = form.querySelector('output');
  output.textContent = 'Sending…';
  try {
    const response = await fetch(path + (query.size ? '?' + query : ''), init);
    const text = await response.text();
    let shown = text;
    try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as sent */ }
    output.textContent = response.status + ' ' + response.statusText + '\\nX-Request-Id: ' + response.headers.get('x-request-id') + '\\n\\n' + shown;
  } catch (error) {
    output.textContent = String(error);
  }
});`;

const scriptHash = createHash('sha256').update(TRY_IT_SCRIPT).digest('base64');

/**
 * The page's policy: its inline style sheet, exactly this script (by hash), and requests to
 * this origin only; nothing else may load, frame it or be posted anywhere.
 */
export const DOCS_PAGE_CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;
