#!/usr/bin/env node
import { runBinary } from './binary';
import { runNmesos } from './nmesos/run';

/** `nmesos`: Nmesos's command line on Griddle. */
runBinary('nmesos', runNmesos);
