import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { z } from 'zod';
import {
  ACCESS_KEY,
  type Access,
  ALLOW_PENDING_PASSWORD_KEY,
  BODY_SCHEMA_KEY,
  DOC_KEY,
  type RouteDoc,
} from './decorators';

export interface RouteInfo {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ALL' | 'SEARCH';
  /** Full path with Nest parameters, e.g. `/api/v1/users/:id`. */
  path: string;
  controller: string;
  handler: string;
  /** Undefined when the route forgot to declare access (the guard denies it). */
  access: Access | undefined;
  allowPendingPassword: boolean;
  body?: z.ZodType;
  doc?: RouteDoc;
  httpCode?: number;
}

const joinPath = (...parts: string[]): string =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/')}`;

/**
 * Every route Nest's router knows, read from controller metadata: the source for the
 * OpenAPI document and for the authorization-matrix completeness test.
 */
@Injectable()
export class RouteCatalog {
  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  routes(): RouteInfo[] {
    const out: RouteInfo[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const metatype = wrapper.metatype as (new (...args: unknown[]) => unknown) | undefined;
      if (!metatype) continue;
      const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
      const proto = metatype.prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const fn = proto[name] as object;
        const methodPath = Reflect.getMetadata(PATH_METADATA, fn);
        if (methodPath === undefined) continue;
        const requestMethod = Reflect.getMetadata(METHOD_METADATA, fn) as RequestMethod;
        for (const b of base) {
          for (const p of ([] as string[]).concat(methodPath)) {
            out.push({
              method: RequestMethod[requestMethod] as RouteInfo['method'],
              path: joinPath(b, p),
              controller: metatype.name,
              handler: name,
              access: this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
                fn as never,
                metatype,
              ]),
              allowPendingPassword:
                this.reflector.getAllAndOverride<boolean>(ALLOW_PENDING_PASSWORD_KEY, [
                  fn as never,
                  metatype,
                ]) === true,
              body: Reflect.getMetadata(BODY_SCHEMA_KEY, fn),
              doc: Reflect.getMetadata(DOC_KEY, fn),
              httpCode: Reflect.getMetadata(HTTP_CODE_METADATA, fn),
            });
          }
        }
      }
    }
    return out.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  }
}
