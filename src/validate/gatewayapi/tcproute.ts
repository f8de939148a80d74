// TCPRoute: forwards TCP connections from a listener to backends.
import { z } from 'zod';
import { commonRouteFields } from './types.js';
import { gatewayApiValidator } from './common.js';
import { checkForwardingRoute, forwardingRules } from './forwarding.js';

const spec = (version: string): z.ZodType => z.strictObject({ ...commonRouteFields, rules: forwardingRules(version) });

export const validateTCPRoute = gatewayApiValidator({ schema: spec, rules: (s, _ctx, c) => checkForwardingRoute(s, c) });
