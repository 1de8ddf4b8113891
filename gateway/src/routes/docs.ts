import type { IRouter } from 'express';
import { DOCS_PAGE_CSP } from '../middleware/security-headers.ts';
import { renderDocsPage } from '../openapi/docs-page.ts';
import { API_V1 } from './paths.ts';

/** The OpenAPI document and its human-readable rendering, registered on the app itself (see ops.ts). */
export function docsRoutes(router: IRouter, document: Record<string, unknown>): void {
  const page = renderDocsPage(document);
  router.get(`${API_V1}/openapi.json`, (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_PAGE_CSP);
    res.type('html').send(page);
  });
}
