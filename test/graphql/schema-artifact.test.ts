import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  isInputObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { createAuthenticator } from '../../src/auth/authenticator.js';
import { SCHEMA_ARTIFACT_PATH, createSchema, loadTypeDefs, printSchemaArtifact } from '../../src/graphql/schema.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const schema = createSchema();

let upstream: FakeUpstream;
let open: TestGateway;
let closed: TestGateway;
let authenticated: TestGateway;
beforeAll(async () => {
  upstream = await startFakeUpstream();
  open = await startTestGateway({ upstreamUrl: upstream.url, introspection: true });
  closed = await startTestGateway({ upstreamUrl: upstream.url, introspection: false });
  authenticated = await startTestGateway({
    upstreamUrl: upstream.url,
    introspection: true,
    authenticator: createAuthenticator({ kind: 'jwt', secret: SECRET, tenantClaim: 'instanceId' }),
  });
});
afterAll(async () => {
  await open.close();
  await closed.close();
  await authenticated.close();
  await upstream.close();
});

describe('the schema artefact (schema.graphql)', () => {
  it('is what the executable schema prints (run `npm run schema:print` after changing schema/*.graphql)', () => {
    expect(readFileSync(SCHEMA_ARTIFACT_PATH, 'utf8')).toBe(printSchemaArtifact(schema));
  });

  it('carries the directives the schema uses: @oneOf, @specifiedBy and @deprecated', () => {
    const sdl = readFileSync(SCHEMA_ARTIFACT_PATH, 'utf8');
    expect(sdl).toContain('input ImportSourceInput @oneOf {');
    expect(sdl).toContain('input ExportTargetInput @oneOf {');
    expect(sdl).toContain('scalar DateTime @specifiedBy(url: "https://datatracker.ietf.org/doc/html/rfc3339")');
    expect(sdl).toContain('scalar JSON @specifiedBy(url: "https://www.rfc-editor.org/rfc/rfc8259")');
    expect(sdl).toMatch(/@deprecated\(reason: "/);
  });
});

describe('the served scalars', () => {
  it('have the descriptions and specification URLs of schema/*.graphql', () => {
    const scalars = Object.values(schema.getTypeMap()).filter((type) => isScalarType(type) && !isSpecifiedScalarType(type));
    expect(scalars.map((type) => type.name).sort()).toEqual(['DateTime', 'JSON']);
    for (const type of scalars) {
      if (!isScalarType(type)) continue;
      const written = type.astNode;
      expect(written, type.name).toBeDefined();
      expect(type.description, type.name).toBe(written?.description?.value);
      const specifiedBy = written?.directives?.find((directive) => directive.name.value === 'specifiedBy');
      const url = specifiedBy?.arguments?.[0]?.value;
      expect(type.specifiedByURL, type.name).toBe(url?.kind === Kind.STRING ? url.value : undefined);
    }
  });
});

describe('introspection with oneOf (graphql-codegen, graphql-inspector against the live endpoint)', () => {
  it('tells the SDL of schema/*.graphql, word for word: descriptions, @oneOf, @specifiedBy, deprecations', async () => {
    const query = getIntrospectionQuery({ oneOf: true, specifiedByUrl: true, inputValueDeprecation: true, descriptions: true });
    const result = await open.graphql<IntrospectionQuery>(query);
    expect(result.errors).toBeUndefined();
    const client = buildClientSchema(result.data as IntrospectionQuery);
    const importSource = client.getType('ImportSourceInput');
    expect(isInputObjectType(importSource) && importSource.isOneOf).toBe(true);
    expect(printSchema(client)).toBe(printSchema(buildSchema(loadTypeDefs().join('\n'))));
  });
});

describe('GET /schema.graphql', () => {
  it('serves the schema artefact as UTF-8 text while introspection is on', async () => {
    const response = await fetch(`${open.url}/schema.graphql`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe(readFileSync(SCHEMA_ARTIFACT_PATH, 'utf8'));
  });

  it('is not there while introspection is off', async () => {
    const response = await fetch(`${closed.url}/schema.graphql`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('asks the same token as introspection over /graphql when callers authenticate', async () => {
    const anonymous = await fetch(`${authenticated.url}/schema.graphql`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const fromBrowser = await fetch(`${authenticated.url}/schema.graphql`, { headers: { accept: 'text/html' } });
    expect(fromBrowser.status).toBe(401);

    const token = await new SignJWT({ instanceId: 'tenant-a' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('schema-reader')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const withToken = await fetch(`${authenticated.url}/schema.graphql`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(await withToken.text()).toBe(printSchemaArtifact(schema));
  });
});
