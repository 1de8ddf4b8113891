import type { IRouter } from 'express';
import type { RouteShape } from '../middleware/route-table.ts';
import { renderDocsPage } from '../openapi/docs-page.ts';
import { DOCS_PAGE_CSP } from '../openapi/docs-try-it.ts';
import { DOCS_PATHS } from './paths.ts';

const { document: DOCUMENT_PATH, page: PAGE_PATH } = DOCS_PATHS;

/** These paths answer GET only; other methods get 405 (see method-not-allowed.ts). */
export const docsRouteShapes: RouteShape[] = [DOCUMENT_PATH, PAGE_PATH].map((path) => ({ method: 'get', path }));

/** The OpenAPI document and its human-readable rendering, registered on the app itself (see ops.ts). */
export function docsRoutes(router: IRouter, document: Record<string, unknown>): void {
  const page = renderDocsPage(document);
  router.get(DOCUMENT_PATH, (_req, res) => {
    res.json(document);
  });
  router.get(PAGE_PATH, (_req, res) => {
    res.setHeader('Content-Security-Policy', DOCS_PAGE_CSP);
    res.type('html').send(page);
  });
}
