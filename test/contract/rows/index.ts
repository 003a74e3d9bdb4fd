import type { ContractRow } from '../contract-row';
import { rows as deploys } from './deploys';
import { rows as historyAndState } from './history-and-state';
import { rows as machines } from './machines';
import { rows as priority } from './priority';
import { rows as requests } from './requests';
import { rows as tasks } from './tasks';

/**
 * Every row file of this folder, by file name (without `.ts`). A new area adds its file here;
 * the contract test fails when a file of this folder is missing from the list.
 */
export const ROW_FILES: Record<string, ContractRow[]> = {
  deploys,
  'history-and-state': historyAndState,
  machines,
  priority,
  requests,
  tasks,
};

export const allRows = (): ContractRow[] => Object.values(ROW_FILES).flat();
