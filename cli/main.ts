#!/usr/bin/env node
import { runBinary } from './binary';
import { runCli } from './program';

runBinary('griddle', runCli);
