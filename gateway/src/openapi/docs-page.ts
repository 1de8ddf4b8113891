import { TRY_IT_SCRIPT } from './docs-try-it.ts';

/**
 * A self-contained HTML reference rendered on the server from the OpenAPI document, with a
 * form per operation to try it from the page: no CDN (the gateway may run without internet
 * access), one inline script allowed by its hash, nothing to keep in sync.
 */

type Json = Record<string, unknown>;

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function text(value: unknown): string {
  return typeof value === 'string' ? escapeHtml(value) : '';
}

function code(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

/** A starting body for the form: every property of the schema, with an empty value of its type. */
function bodySkeleton(schema: Json | undefined): string {
  const properties = (schema?.properties as Record<string, Json> | undefined) ?? {};
  const emptyOf = (property: Json): unknown => {
    const type: unknown = Array.isArray(property.type) ? (property.type as unknown[])[0] : property.type;
    return ({ string: '', integer: 0, number: 0, boolean: false, array: [], object: {} } as Record<string, unknown>)[String(type)] ?? null;
  };
  const fields = Object.entries(properties).filter(([, property]) => property.readOnly !== true);
  return fields.length === 0 ? '' : JSON.stringify(Object.fromEntries(fields.map(([name, property]) => [name, emptyOf(property)])), null, 2);
}

function tryItForm(method: string, path: string, parameters: Json[], body: Json | undefined): string {
  const inputs = parameters
    .map((p) => `<label>${escapeHtml(String(p.name))} <input name="${escapeHtml(String(p.name))}" data-in="${escapeHtml(String(p.in))}"${p.required ? ' required' : ''}></label>`)
    .join(' ');
  const schema = (body?.['application/json'] as Json | undefined)?.schema as Json | undefined;
  const textarea = body ? `<textarea rows="6" spellcheck="false">${escapeHtml(bodySkeleton(schema))}</textarea>` : '';
  return `<form class="try" data-method="${escapeHtml(method)}" data-path="${escapeHtml(path)}"><h4>Try it</h4>${inputs}${textarea}<button>Send</button><output></output></form>`;
}

function renderOperation(method: string, path: string, operation: Json): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const body = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const responses = Object.entries((operation.responses as Record<string, Json> | undefined) ?? {});
  const secured = ((operation.security as unknown[] | undefined) ?? []).length > 0;
  return `<section id="${escapeHtml(String(operation.operationId))}">
<h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${text(operation.summary)}${secured ? ' <em>(bearer token)</em>' : ''}</p>
${parameters.length ? `<h4>Parameters</h4><ul>${parameters.map((p) => `<li><code>${escapeHtml(String(p.name))}</code> in ${escapeHtml(String(p.in))}${p.required ? ', required' : ''}</li>`).join('')}</ul>` : ''}
${body ? `<h4>Request body (application/json)</h4>${code((body['application/json'] as Json).schema)}` : ''}
<h4>Responses</h4><dl>${responses
    .map(([status, response]) => {
      const content = response.content as Record<string, Json> | undefined;
      const schema = content?.['application/json']?.schema;
      return `<dt>${escapeHtml(status)}</dt><dd>${text(response.description)}${schema ? code(schema) : ''}</dd>`;
    })
    .join('')}</dl>
${tryItForm(method, path, parameters, body)}
</section>`;
}

export function renderDocsPage(document: Json): string {
  const info = document.info as { title: string; version: string };
  const paths = Object.entries((document.paths as Record<string, Record<string, Json>> | undefined) ?? {});
  const sections = paths.flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => renderOperation(method, path, operation)),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:13px}
.method{display:inline-block;min-width:4rem;padding:0 .4rem;border-radius:3px;color:#fff;background:#555;font-size:13px}
.get{background:#2b6cb0}.post{background:#2f855a}.put{background:#b7791f}.delete{background:#c53030}
dt{font-weight:bold}
form.try{background:#f9f9fb;padding:.5rem;border-radius:4px}form.try label{margin-right:.5rem}
form.try textarea{display:block;width:100%;font:13px monospace;margin:.3rem 0}
output{display:block;white-space:pre-wrap;font:13px monospace;margin-top:.3rem}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>Errors are <code>application/problem+json</code>: ${code((document.components as Json | undefined)?.schemas)}</p>
<p>Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).</p>
<p><label>Access token for the forms below <input id="token" type="password" autocomplete="off" size="40"></label>
(from register or login; kept in this page only)</p>
${sections.join('\n')}
<script>${TRY_IT_SCRIPT}</script>
</body></html>`;
}
