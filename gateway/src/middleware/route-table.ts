export interface RouteShape {
  method: string;
  /** Express syntax: `/api/v1/organizations/:orgId`. */
  path: string;
}

export interface RouteTable {
  /** The methods some route answers at this path (upper case). */
  methodsAt(path: string): string[];
  /** The declared pattern (`/api/v1/organizations/:orgId`) of the route for this method and path. */
  patternFor(method: string, path: string): string | undefined;
}

function pattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_]\w*/g, '[^/]+');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * Every route the gateway declares, matched the way Express matches them: for answers that
 * never reached a route (405, or a body refused before routing) to still know which it was.
 */
export function routeTable(routes: readonly RouteShape[]): RouteTable {
  const compiled = routes.map((route) => ({ method: route.method.toUpperCase(), path: route.path, pattern: pattern(route.path) }));
  const matching = (path: string) => compiled.filter((route) => route.pattern.test(path));
  return {
    methodsAt: (path) => [...new Set(matching(path).map((route) => route.method))],
    patternFor: (method, path) => {
      const wanted = method === 'HEAD' ? 'GET' : method;
      return matching(path).find((route) => route.method === wanted)?.path;
    },
  };
}
