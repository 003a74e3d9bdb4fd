#!/usr/bin/env node
// A minimal custom executor for mesos-local's integration tests, speaking the v1 executor API
// in JSON with nothing but Node's http module. It reports TASK_RUNNING on LAUNCH, TASK_KILLED
// on KILL (then exits), exits on SHUTDOWN, and prints every event it gets to stdout.
// A framework MESSAGE is echoed back prefixed with `echo:`.
// With MESOS_CHECKPOINT=1 it resubscribes when the agent goes away.
// TINY_EXECUTOR_CRASH=1 makes it exit with status 3 right after a LAUNCH, without an update.
/* global require, process, Buffer, console, setTimeout */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a plain Node script, run without compilation */
const http = require('node:http');
const crypto = require('node:crypto');

const [host, port] = process.env.MESOS_AGENT_ENDPOINT.split(':');
const frameworkId = { value: process.env.MESOS_FRAMEWORK_ID };
const executorId = { value: process.env.MESOS_EXECUTOR_ID };
const unacked = new Map();

function post(call) {
  const body = JSON.stringify({ framework_id: frameworkId, executor_id: executorId, ...call });
  const req = http.request({ host, port, method: 'POST', path: '/api/v1/executor', headers: { 'Content-Type': 'application/json' } }, (res) => {
    res.resume();
    if (res.statusCode !== 202) console.error(`call ${call.type} answered ${res.statusCode}`);
  });
  req.on('error', (err) => console.error(`call ${call.type} failed: ${err.message}`));
  req.end(body);
}

function update(taskId, state, message) {
  const uuid = Buffer.from(crypto.randomUUID().replace(/-/g, ''), 'hex').toString('base64');
  const status = { task_id: taskId, state, source: 'SOURCE_EXECUTOR', uuid, executor_id: executorId, message, timestamp: Date.now() / 1000 };
  unacked.set(uuid, status);
  post({ type: 'UPDATE', update: { status } });
}

function handle(event) {
  console.log(`event ${event.type} ${JSON.stringify(event)}`);
  if (event.type === 'LAUNCH') {
    if (process.env.TINY_EXECUTOR_CRASH === '1') process.exit(3);
    tasks.set(event.launch.task.task_id.value, event.launch.task);
    update(event.launch.task.task_id, 'TASK_RUNNING', `running in ${process.cwd()}`);
  } else if (event.type === 'KILL') {
    update(event.kill.task_id, 'TASK_KILLED', 'killed on request');
  } else if (event.type === 'ACKNOWLEDGED') {
    const status = unacked.get(event.acknowledged.uuid);
    unacked.delete(event.acknowledged.uuid);
    if (status && ['TASK_KILLED', 'TASK_FINISHED', 'TASK_FAILED'].includes(status.state)) tasks.delete(status.task_id.value);
    if (status && status.state === 'TASK_KILLED') setTimeout(() => process.exit(0), 50);
  } else if (event.type === 'MESSAGE') {
    post({ type: 'MESSAGE', message: { data: Buffer.from(`echo:${Buffer.from(event.message.data, 'base64')}`).toString('base64') } });
  } else if (event.type === 'SHUTDOWN') {
    process.exit(0);
  }
}

// With checkpointing the executor survives an agent restart: it resubscribes, handing back
// the tasks and updates the agent has not acknowledged.
const tasks = new Map();
let subscribedOnce = false;
function subscribe() {
  const subscribeCall = {
    unacknowledged_tasks: [...tasks.values()],
    unacknowledged_updates: [...unacked.values()].map((status) => ({ status })),
  };
  const req = http.request({ host, port, method: 'POST', path: '/api/v1/executor', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } }, (res) => {
    if (res.statusCode !== 200) {
      console.error(`SUBSCRIBE answered ${res.statusCode}`);
      process.exit(2);
    }
    subscribedOnce = true;
    let buffer = Buffer.alloc(0);
    res.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const nl = buffer.indexOf(10);
        if (nl < 0) return;
        const length = Number(buffer.subarray(0, nl).toString());
        if (buffer.length < nl + 1 + length) return;
        handle(JSON.parse(buffer.subarray(nl + 1, nl + 1 + length).toString()));
        buffer = buffer.subarray(nl + 1 + length);
      }
    });
    res.on('end', disconnected);
    res.on('error', disconnected);
  });
  req.on('error', disconnected);
  req.end(JSON.stringify({ framework_id: frameworkId, executor_id: executorId, type: 'SUBSCRIBE', subscribe: subscribeCall }));
}
let retrying = false;
function disconnected() {
  if (retrying) return;
  if (process.env.MESOS_CHECKPOINT !== '1' || !subscribedOnce) process.exit(1);
  console.log('disconnected from the agent; resubscribing');
  retrying = true;
  setTimeout(() => {
    retrying = false;
    subscribe();
  }, 200);
}
subscribe();
console.log(`subscribing to ${process.env.MESOS_AGENT_ENDPOINT} as ${executorId.value}`);
