// Routes: which app answers which path. `/path` is that path alone; `/path/...`
// is the path and everything below it. The longest route that matches wins.

export interface Route {
  /** as written: `/hello` or `/static/...` */
  pattern: string;
  /** what SCRIPT_NAME is: the pattern without its `/...` */
  script: string;
  /** a whole subtree */
  subtree: boolean;
  /** the app's file (.wasm or .gob) */
  app: string;
  /** an appliance's program for this route, from its manifest's routes (default its entry) */
  entry?: string;
  /** that program's arguments after argv[0] */
  args?: string[];
}

/** `--route /path=APP` */
export function parseRoute(spec: string): Route {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new Error(`--route ${spec}: expected /PATH=APP (e.g. /hello=hello.wasm or /api/...=api.gob)`);
  return route(spec.slice(0, eq), spec.slice(eq + 1), `--route ${spec}`);
}

export function route(pattern: string, app: string, what: string): Route {
  if (!pattern.startsWith('/')) throw new Error(`${what}: a route starts with / (${pattern})`);
  if (!app) throw new Error(`${what}: no app after =`);
  if (/[?#\s]/.test(pattern)) throw new Error(`${what}: a route is a path, with no query, fragment or space`);
  const subtree = pattern === '/...' || pattern.endsWith('/...');
  const script = subtree ? pattern.slice(0, -4) : pattern;
  if (script.includes('...')) throw new Error(`${what}: ... may only end a route, after a /`);
  return { pattern, script, subtree, app };
}

/** An appliance's manifest routes, each answered by the program it names. */
export function manifestRoutes(app: string, routes: Record<string, string | { entry: string; args?: string[] }>): Route[] {
  return Object.entries(routes).map(([pattern, to]) => {
    const r = route(pattern, app, `${app}: routes.${pattern}`);
    return typeof to === 'string' ? { ...r, entry: to } : { ...r, entry: to.entry, args: to.args };
  });
}

/** The route for a request's path (no query), or null. */
export function match(routes: readonly Route[], path: string): Route | null {
  let best: Route | null = null;
  for (const r of routes) {
    const hit = r.subtree
      ? path === r.script || path.startsWith(`${r.script}/`) || r.script === ''
      : path === r.script;
    if (hit && (!best || r.script.length > best.script.length || (r.script.length === best.script.length && !r.subtree))) best = r;
  }
  return best;
}
