import type { ContractRow } from '../contract-row';
import { rows as configuration } from './configuration';
import { rows as deploys } from './deploys';
import { rows as disasters } from './disasters';
import { rows as groups } from './groups';
import { rows as historyAndState } from './history-and-state';
import { rows as historyViews } from './history-views';
import { rows as inactive } from './inactive';
import { rows as logs } from './logs';
import { rows as requestViews } from './request-views';
import { rows as operations } from './operations';
import { rows as machines } from './machines';
import { rows as priority } from './priority';
import { rows as requests } from './requests';
import { rows as shellCommands } from './shell-commands';
import { rows as stateViews } from './state-views';
import { rows as taskTracking } from './task-tracking';
import { rows as taskViews } from './task-views';
import { rows as tasks } from './tasks';
import { rows as usage } from './usage';
import { rows as webUi } from './web-ui';

/**
 * Every row file of this folder, by file name (without `.ts`). A new area adds its file here;
 * the contract test fails when a file of this folder is missing from the list.
 */
export const ROW_FILES: Record<string, ContractRow[]> = {
  configuration,
  deploys,
  disasters,
  groups,
  'history-and-state': historyAndState,
  'history-views': historyViews,
  inactive,
  logs,
  'request-views': requestViews,
  operations,
  machines,
  priority,
  requests,
  'shell-commands': shellCommands,
  'state-views': stateViews,
  'task-tracking': taskTracking,
  'task-views': taskViews,
  tasks,
  usage,
  'web-ui': webUi,
};

export const allRows = (): ContractRow[] => Object.values(ROW_FILES).flat();
