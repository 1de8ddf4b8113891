import { Router } from 'express';
import { renderDocsPage } from '../openapi/docs-page.ts';
import { API_V1 } from './paths.ts';

/** The OpenAPI document and its human-readable rendering. */
export function docsRoutes(document: Record<string, unknown>): Router {
  const router = Router();
  const page = renderDocsPage(document);
  router.get(`${API_V1}/openapi.json`, (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
