// GRPCRoute: matches gRPC calls by service, method and headers, and forwards to backends.
import { z } from 'zod';
import { at, type Collector } from '../issues.js';
import { boundedList } from '../common/zod-report.js';
import { backendRef, commonRouteFields, hostname, sectionName, sessionPersistence } from './types.js';
import {
  checkBackendRefs,
  checkSessionPersistence,
  gatewayApiValidator,
  routeRules,
  type Entry,
} from './common.js';
import { checkFilters, GRPC_FILTERS, grpcFilter } from './filters.js';
import { checkGRPCMatches, grpcMatch } from './matches.js';

const rule = z.strictObject({
  name: sectionName.optional(),
  matches: boundedList(grpcMatch, 64).optional(),
  filters: boundedList(grpcFilter, 16).optional(),
  backendRefs: boundedList(backendRef.extend({ filters: boundedList(grpcFilter, 16).optional() }), 16).optional(),
  sessionPersistence: sessionPersistence.optional(),
});

const spec = z.strictObject({
  ...commonRouteFields,
  hostnames: boundedList(hostname, 16).optional(),
  rules: boundedList(rule, 16).optional(),
});

function checkRule(r: Entry, c: Collector): void {
  checkGRPCMatches(r.o['matches'], at(r.path, 'matches'), c);
  checkFilters(r.o['filters'], at(r.path, 'filters'), GRPC_FILTERS, c);
  const refs = checkBackendRefs(r.o['backendRefs'], at(r.path, 'backendRefs'), c);
  for (const b of refs) checkFilters(b.o['filters'], at(b.path, 'filters'), GRPC_FILTERS, c);
  checkSessionPersistence(r.o['sessionPersistence'], at(r.path, 'sessionPersistence'), c);
}

export const validateGRPCRoute = gatewayApiValidator({ schema: () => spec, rules: routeRules(checkRule, 0) });
