/**
 * The Sidecar-compatible HTTP listener (default :7777): /api/services.json,
 * /api/services/{name}.json, /api/state.json, /api/watch and POST /api/services/{id}/drain,
 * plus the root /services.json, /state.json and /watch that Sidecar still serves for older
 * clients (haproxy-api's follow mode hard-codes /watch, its default mode reads /state.json),
 * with Sidecar's shapes, status codes, error bodies and CORS headers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../../common';
import type { SidecarDrainAnswer } from '../../contract';
import { authMiddleware, type TokenTable } from '../api/auth';
import type { Catalog } from './catalog';
import { ServicesDocument } from './services-document';
import { catalogState, servicesByName, sidecarServices } from './sidecar-format';

export interface SidecarListenerOptions {
  catalog: Catalog;
  port?: number;
  host?: string;
  clusterName?: string;
  /** The name this node reports as Sidecar's `Hostname` and cluster member. */
  hostname?: string;
  /** The scheduler's API tokens: with them, a drain needs `Authorization: Bearer <deploy token>`. */
  tokens?: TokenTable;
  log?: Logger;
}

export interface SidecarListener {
  port: number;
  close(): Promise<void>;
}

function sendJsonError(res: Response, status: number, message: string): void {
  res.status(status).json({ status: 'error', message });
}

/**
 * Sidecar's CORS headers, on every answer so browser dashboards can read the catalog; the
 * preflight also allows POST and Authorization, which a drain from a browser needs.
 */
function cors(req: Request, res: Response, next: NextFunction): void {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  if (req.method === 'OPTIONS') {
    res.status(200).end();
    return;
  }
  next();
}

/** Strips the `.json` extension Sidecar requires; anything else is Sidecar's 404. */
function jsonName(res: Response, file: string): string | undefined {
  if (!file.endsWith('.json')) {
    sendJsonError(res, 404, 'Not Found - Invalid content type extension');
    return undefined;
  }
  return file.slice(0, -'.json'.length);
}

/** `watchers` collects the open /api/watch responses (to end them at shutdown). */
export function createSidecarRouter(options: SidecarListenerOptions, watchers: Set<Response>, document = new ServicesDocument(options.catalog)): express.Router {
  const { catalog } = options;
  const clusterName = options.clusterName ?? 'griddle';
  const hostname = options.hostname ?? os.hostname();
  const router = express.Router();
  router.use(cors);

  router.get('/services.json', (_req, res) => {
    res.type('application/json').send(JSON.stringify(sidecarServices(catalog.list(), clusterName, hostname), null, 2));
  });

  router.get('/services/:file', (req: Request<{ file: string }>, res) => {
    const name = jsonName(res, req.params.file);
    if (name === undefined) return;
    const instances = catalog.list(name);
    if (instances.length === 0) return sendJsonError(res, 404, `no instances of ${name} found`);
    res.type('application/json').send(JSON.stringify({ Services: servicesByName(instances), ClusterName: clusterName }, null, 2));
  });

  router.get('/state.json', (_req, res) => {
    res.json(catalogState(catalog, clusterName, hostname));
  });

  router.post('/services/:id/drain', authMiddleware(options.tokens), (req: Request<{ id: string }>, res) => {
    const endpoint = catalog.get(req.params.id);
    if (!endpoint) return sendJsonError(res, 404, `Not Found - Service ID "${req.params.id}" not found`);
    catalog.drain(endpoint.taskId);
    options.log?.info({ taskId: endpoint.taskId, service: endpoint.serviceName, user: res.locals.user as unknown }, 'drained through the Sidecar API');
    const answer: SidecarDrainAnswer = { Message: `Service "${endpoint.serviceName}" instance "${endpoint.taskId}" set to DRAINING` };
    res.status(202).type('application/json').send(JSON.stringify(answer, null, 2));
  });

  // Like Sidecar: one whole document per change, `state.ByService()` by default or the whole
  // state with by_service=false. A client that cannot keep up gets the latest document once
  // its socket drains instead of an ever-growing backlog.
  router.get('/watch', (req, res) => {
    const byService = req.query.by_service !== 'false';
    const render = (): string => `${byService ? document.render() : JSON.stringify(catalogState(catalog, clusterName, hostname))}\n`;
    res.status(200).type('application/json');
    res.flushHeaders();
    let blocked = false;
    let missed = false;
    const push = (): void => {
      if (blocked) {
        missed = true;
        return;
      }
      blocked = !res.write(render());
    };
    res.on('drain', () => {
      blocked = false;
      if (missed) {
        missed = false;
        push();
      }
    });
    const unsubscribe = catalog.subscribe(push);
    const unsubscribeReset = catalog.onReset(push);
    watchers.add(res);
    res.on('close', () => {
      unsubscribe();
      unsubscribeReset();
      watchers.delete(res);
    });
    push();
  });

  return router;
}

export async function startSidecarListener(options: SidecarListenerOptions): Promise<SidecarListener> {
  const watchers = new Set<Response>();
  const document = new ServicesDocument(options.catalog);
  const app = express();
  app.disable('x-powered-by');
  const api = createSidecarRouter(options, watchers, document);
  app.use('/api', api);
  // Sidecar's deprecated root routes, the same handlers as under /api (only these three).
  app.get(['/services.json', '/state.json', '/watch'], api);
  app.use(cors, (_req: Request, res: Response) => sendJsonError(res, 404, 'Not Found'));
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7777, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.log?.info({ port }, 'Sidecar-compatible discovery listener up');
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      // Watch streams never end on their own: finish them so clients see a clean end of stream.
      for (const res of watchers) res.end();
      document.close();
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
}
