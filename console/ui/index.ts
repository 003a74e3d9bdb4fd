export { ActionButton, type ActionResult, DeployState, ErrorNote, Health } from './action';
export { ApiError, api, authHeaders, enc, storeToken, storedToken } from './api';
export { type DurationChoice, useDuration } from './duration-field';
export { age, duration, num, shortState, time } from './format';
export { type Live, stream, useEvents, useLive, useStreamStatus } from './live';
export { BASE, Link, type Route, href, navigate, parseRoute, useRoute } from './router';
export { canWrite, refreshSession, useSession } from './session';
export { type Column, VirtualTable } from './virtual-table';
