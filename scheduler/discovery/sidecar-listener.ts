/**
 * The Sidecar-compatible HTTP listener (default :7777): /api/services.json,
 * /api/services/{name}.json, /api/state.json, /api/watch and POST /api/services/{id}/drain,
 * with Sidecar's shapes, status codes and error bodies.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import express, { type Request, type Response } from 'express';
import type { Logger } from '../../common';
import type { Catalog } from './catalog';
import { ServicesDocument } from './services-document';
import { servicesByName, sidecarServices, sidecarState } from './sidecar-format';

export interface SidecarListenerOptions {
  catalog: Catalog;
  port?: number;
  host?: string;
  clusterName?: string;
  /** The name this node reports as Sidecar's `Hostname` and cluster member. */
  hostname?: string;
  log?: Logger;
}

export interface SidecarListener {
  port: number;
  close(): Promise<void>;
}

function sendJsonError(res: Response, status: number, message: string): void {
  res.status(status).json({ status: 'error', message });
}

function allowCors(res: Response): void {
  res.set('Access-Control-Allow-Origin', '*');
  res.set('Access-Control-Allow-Methods', 'GET');
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

  router.get('/services.json', (_req, res) => {
    allowCors(res);
    res.type('application/json').send(JSON.stringify(sidecarServices(catalog.list(), clusterName, hostname), null, 2));
  });

  router.get('/services/:file', (req: Request<{ file: string }>, res) => {
    allowCors(res);
    const name = jsonName(res, req.params.file);
    if (name === undefined) return;
    const instances = catalog.list(name);
    if (instances.length === 0) return sendJsonError(res, 404, `no instances of ${name} found`);
    res.type('application/json').send(JSON.stringify({ Services: servicesByName(instances), ClusterName: clusterName }, null, 2));
  });

  router.get('/state.json', (_req, res) => {
    allowCors(res);
    res.json(sidecarState(catalog.list(), clusterName, hostname));
  });

  router.post('/services/:id/drain', (req: Request<{ id: string }>, res) => {
    const endpoint = catalog.get(req.params.id);
    if (!endpoint) return sendJsonError(res, 404, `Not Found - Service ID "${req.params.id}" not found`);
    catalog.drain(endpoint.taskId);
    options.log?.info({ taskId: endpoint.taskId, service: endpoint.serviceName }, 'drained through the Sidecar API');
    res.status(202).type('text/plain').send(`Service "${endpoint.serviceName}" instance "${endpoint.taskId}" set to DRAINING`);
  });

  // Like Sidecar: one whole document per change, `state.ByService()` by default or the whole
  // state with by_service=false. A client that cannot keep up gets the latest document once
  // its socket drains instead of an ever-growing backlog.
  router.get('/watch', (req, res) => {
    const byService = req.query.by_service !== 'false';
    const render = (): string => `${byService ? document.render() : JSON.stringify(sidecarState(catalog.list(), clusterName, hostname))}\n`;
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
  app.use('/api', createSidecarRouter(options, watchers, document));
  app.use((_req, res) => sendJsonError(res, 404, 'Not Found'));
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
