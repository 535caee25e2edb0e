import { App, Stack, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { HubStack } from '../../infra/stack.ts';
import { CONSOLE_PATHS, handlers, jobs, routeList, workers, type Grant } from '../../functions/routes/index.ts';
import { maxAttempts } from '../../functions/domain/webhooks.ts';

let template: Template;

beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new HubStack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-2' } }));
}, 300_000); // synthesis bundles every Lambda (24 with event delivery): ~2 min on 2 shared cores

describe('the CDK stack', () => {
  it('keeps data in an on-demand table with PITR, TTL and a customer-managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'gsi2' }), Match.objectLike({ IndexName: 'gsi3' })]),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts, versions and blocks public access to the data bucket, and refuses plain HTTP', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const policies = template.findResources('AWS::S3::BucketPolicy');
    const tlsOnly = Object.values(policies).filter((p) =>
      JSON.stringify(p).includes('"aws:SecureTransport":"false"') && JSON.stringify(p).includes('"Effect":"Deny"'),
    );
    expect(tlsOnly.length).toBe(Object.keys(template.findResources('AWS::S3::Bucket')).length);
  });

  it('runs every handler on Node 22, ARM64', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) => f.Properties.Handler === 'index.handler');
    expect(fns.length).toBeGreaterThanOrEqual(Object.keys(handlers).length);
    for (const f of fns) {
      expect(f.Properties.Runtime).toBe('nodejs22.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('puts the key authorizer on every route but health and the OpenAPI document', () => {
    const all = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    // the console's pages (ANY /console, /console/{proxy+} to the shell, each persona's paths to its
    // own Lambda: functions/routes/console.ts) sign people in themselves, with no API key
    const consoleMethods = all.filter((m) => m.Properties.HttpMethod === 'ANY');
    expect(consoleMethods).toHaveLength(Object.values(CONSOLE_PATHS).flat().length);
    for (const m of consoleMethods) expect(m.Properties.AuthorizationType).toBe('NONE');
    const integratedWith = (m: any) => /"(console[a-z]*)Fn[0-9A-F]{8}"/.exec(JSON.stringify(m.Properties.Integration.Uri))?.[1];
    for (const [name, paths] of Object.entries(CONSOLE_PATHS)) {
      expect(consoleMethods.filter((m) => integratedWith(m) === name.replace(/-/g, '')), name).toHaveLength(paths.length);
    }
    const methods = all.filter((m) => m.Properties.HttpMethod !== 'ANY');
    expect(methods).toHaveLength(routeList.length);
    const publicCount = routeList.filter((r) => r.def.access === 'public').length;
    const custom = methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM' && m.Properties.ApiKeyRequired === true);
    expect(custom).toHaveLength(routeList.length - publicCount);
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'NONE')).toHaveLength(publicCount);
    // x-api-key or Authorization: Bearer, so no header is required by API Gateway, and no cache
    // (a cache key needs every identity source present: functions/routes/index.ts)
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: '',
      AuthorizerResultTtlInSeconds: 0,
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  it('signs people in with a Cognito user pool: MFA required, threat protection enforced, no self sign-up, strong passwords', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      Schema: Match.arrayWith([Match.objectLike({ Name: 'hub_principal' }), Match.objectLike({ Name: 'hub_roles' })]),
      LambdaConfig: { PreTokenGenerationConfig: { LambdaArn: Match.anyValue(), LambdaVersion: 'V2_0' } },
    });
  });

  it('gives the console an app client (authorization code, secret kept by Cognito) and the hub API a resource server and scope', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'hub-console',
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', Match.anyValue()],
      CallbackURLs: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['/live/console/auth/callback'])]) })],
      PreventUserExistenceErrors: 'ENABLED',
    });
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(JSON.stringify(client!.Properties.AllowedOAuthScopes[2])).toContain('/hub');
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', { Identifier: 'urn:commission-east:hub-api', Scopes: [Match.objectLike({ ScopeName: 'hub' })] });
  });

  it("keeps the console's client secret out of the template and every environment: the console reads it from Cognito at cold start", () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    const fns = Object.entries(template.findResources('AWS::Lambda::Function'));
    const [, consoleFn] = fns.find(([id]) => /^consoleFn[0-9A-F]{8}$/.test(id))!;
    const env = consoleFn.Properties.Environment.Variables;
    expect(env.HUB_COGNITO_USER_POOL_ID).toEqual({ Ref: poolId });
    expect(env.HUB_CONSOLE_CLIENT_ID).toEqual({ Ref: clientId });
    // the persona Lambdas only open the session cookie: no OpenID client, nothing of the pool's
    for (const [id, fn] of fns.filter(([id]) => /^console[a-z]+Fn[0-9A-F]{8}$/.test(id))) {
      const vars = fn.Properties.Environment.Variables;
      expect([vars.HUB_COGNITO_USER_POOL_ID, vars.HUB_CONSOLE_CLIENT_ID], id).toEqual([undefined, undefined]);
      expect(vars.HUB_OIDC_ISSUER, id).toBeDefined(); // the CSP's form-action names the provider (sign-out)
    }
    // no variable of any function carries a client secret, by name or by value
    for (const [id, fn] of fns) {
      const vars = fn.Properties.Environment?.Variables ?? {};
      expect(Object.keys(vars).filter((k) => /CLIENT_SECRET/.test(k)), id).toEqual([]);
    }
    // nothing in the template reads the secret back out of Cognito (as userPoolClientSecret would, by a custom resource)
    expect(JSON.stringify(template.toJSON())).not.toMatch(/ClientSecret/);
    template.resourceCountIs('Custom::DescribeCognitoUserPoolClient', 0);
  });

  it('wires the authorizer to the pool: its issuer, its keys, the console client as the audience, and a people usage key per plan', () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) => /^authorizerFn[0-9A-F]{8}$/.test(id));
    const env = fns[0]![1].Properties.Environment.Variables;
    expect(JSON.stringify(env.HUB_OIDC_ISSUER)).toContain(`{"Ref":"${poolId}"}`);
    expect(JSON.stringify(env.HUB_OIDC_ISSUER)).toContain('https://cognito-idp.');
    expect(JSON.stringify(env.HUB_OIDC_JWKS_URL)).toMatch(/\.well-known\/jwks\.json/);
    expect(env.HUB_OIDC_CLIENT_IDS).toEqual({ Ref: clientId });
    const people = JSON.parse(env.HUB_PEOPLE_USAGE_KEYS) as Record<string, string>;
    expect(Object.keys(people).sort()).toEqual(Object.values(template.findResources('AWS::ApiGateway::UsagePlan')).map((p) => p.Properties.UsagePlanName).sort());
    const keys = Object.values(template.findResources('AWS::ApiGateway::ApiKey')).map((k) => k.Properties.Value);
    expect(keys).toEqual(expect.arrayContaining(Object.values(people)));
    template.resourceCountIs('AWS::ApiGateway::UsagePlanKey', Object.keys(people).length);
  });

  it('federates an authority\'s Entra ID through OIDC when the `entra` context names it; its people\'s organisation is the IdP\'s', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolIdentityProvider', 0);
    const app = new App({ context: { entra: { essex: { issuer: 'https://login.microsoftonline.com/tenant-id/v2.0', clientId: 'app-id', secretName: 'hub/entra-essex' } } } });
    const t = Template.fromStack(new HubStack(app, 'TestEntra', { env: { account: '111111111111', region: 'eu-west-2' } }));
    t.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'entra-essex',
      ProviderType: 'OIDC',
      ProviderDetails: Match.objectLike({ oidc_issuer: 'https://login.microsoftonline.com/tenant-id/v2.0', client_id: 'app-id', client_secret: Match.stringLikeRegexp('resolve:secretsmanager:hub/entra-essex') }),
      AttributeMapping: { email: 'email', 'custom:hub_roles': 'roles' },
    });
    const [idp] = Object.keys(t.findResources('AWS::Cognito::UserPoolIdentityProvider'));
    t.hasResourceProperties('AWS::Cognito::UserPoolClient', { SupportedIdentityProviders: ['COGNITO', { Ref: idp }] });
    const trigger = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) => /^triggerpretokenFn/.test(id))![1];
    expect(JSON.parse(trigger.Properties.Environment.Variables.HUB_IDP_PRINCIPALS)).toEqual({ 'entra-essex': 'authority:essex' });
  }, 120_000);

  it('gives each authority its own usage plan, plus providers and the programme office', () => {
    const plans = Object.values(template.findResources('AWS::ApiGateway::UsagePlan')).map((p) => p.Properties.UsagePlanName);
    expect(plans).toHaveLength(13);
    expect(plans).toEqual(expect.arrayContaining(['hub-authority-essex', 'hub-authority-southend-on-sea', 'hub-providers', 'hub-programme-office']));
  });

  it('schedules each job on EventBridge as the route table says: the reminders every 15 minutes', () => {
    expect(jobs.reminders.schedule).toBe('rate(15 minutes)');
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as any[];
    for (const [name, job] of Object.entries(jobs)) {
      const fnPrefix = `job${name}Fn`.replace(/[^A-Za-z0-9]/g, '');
      const rule = rules.filter((r) => r.Properties.ScheduleExpression === job.schedule && r.Properties.Targets.some((t: any) => JSON.stringify(t.Arn).includes(fnPrefix)));
      expect(rule, `${name}: one rule on ${job.schedule}`).toHaveLength(1);
      expect(rule[0].Properties.State ?? 'ENABLED').toBe('ENABLED');
    }
  });

  it('logs API access and answers gateway errors as problem+json', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.anyValue() } });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
    });
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the hub stack', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new HubStack(app, 'Nagged', { env: { account: '111111111111', region: 'eu-west-2' } });
    expect(() => app.synth()).not.toThrow();
  }, 300_000);

  it('does fail a stack with an unencrypted, public-by-default bucket (the check is live)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Bad');
    new s3.Bucket(stack, 'Open', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    expect(() => app.synth()).toThrow();
  });
});

/**
 * Least privilege, per Lambda: each function's role may do what its grants in the route table
 * (functions/routes/*.ts `handlers`, and `jobs`) say and nothing else, and the grants themselves
 * are pinned here, so giving a Lambda more is a change a reviewer sees in this file.
 */
describe('each Lambda\'s IAM actions', () => {
  /**
   * What each Lambda needs, and why. A Lambda that gets a grant it is not listed with here, or
   * loses one, fails below: change this list only with the code that needs it.
   */
  const LEAST_PRIVILEGE: Record<string, readonly Grant[]> = {
    authorizer: ['table:read'], // looks up the hashed API key
    health: [],
    openapi: [],
    reference: [], // code lists and agreements are bundled files
    homes: ['table:write'],
    vacancies: ['table:write'],
    'vacancy-search': ['table:read'],
    pool: ['table:read', 'table:write'],
    'pool-ledger': ['table:read'],
    'pool-allocations': ['table:read', 'table:write'], // allocating and ending write the bed, request, allocation, placement and audit in one transaction
    referrals: ['table:write'], // disclosure writes the audit entry
    audit: ['table:read'],
    offers: ['table:read', 'table:write'], // reads referrals, homes, vacancies; writes offers, bed holds, audit entries
    'offer-accept': ['table:read', 'table:write'], // reads the referral's partition, home, vacancies; writes the one accepting transaction (offer, referral, vacancy, home, placement, audit)
    spend: ['table:write', 'bucket:write'], // raw batches in S3
    rollups: ['table:write', 'bucket:write'],
    webhooks: ['table:write'], // a principal's own webhooks (secrets sealed with the webhook key) and their delivery log
    placements: ['table:write'], // approval, notice sent and end change placements; a host's notice read writes its audit entry
    events: ['table:read'], // the caller's events and the referrals they are about; writes nothing (an event discloses no child's data, so no audit)
    providers: ['table:write'], // the directory reads profiles, homes and accessions; accession writes the register
    console: ['table:read'], // the console's shell: the provider's name at sign-in, the reminder banner on start pages; and its client secret from Cognito (COGNITO below)
    'console-officer': ['table:write'], // the officer's journeys: referrals, consent, offers declined and accepted, approvals, audit entries of its reads
    'console-provider': ['table:write'], // the provider's journeys: offers, declines, vacancies, homes, last visits, audit entries of its reads
    'console-programme': ['table:write'], // the programme office's journeys: allocations made and ended, step-downs
    'console-search': ['table:read'], // the officer's search and its map: vacancies, homes (the search discloses no child's data: no audit entry)
    'job:lapse-vacancies': ['table:write'],
    'job:rollup': ['table:write', 'bucket:write'], // rollup.published events with the run's write-once marker
    'job:reminders': ['table:write'], // each reminder's event with its write-once marker
    'worker:stream': ['table:read'], // reads the recipient's webhooks; its stream and the queue it feeds are pinned in QUEUES below
    'worker:sender': ['table:write'], // reads webhooks and referrals, writes delivery records, disables a webhook on 410
    'trigger:pre-token': [], // Cognito's pre-token-generation trigger: claims from the user's attributes in the event
  };

  /**
   * What the event-delivery Lambdas may do beyond the table: the stream Lambda reads the table's
   * stream and sends to the delivery queue (and, for a stream record it cannot queue, to the
   * dead-letter queue); the sender consumes the delivery queue. Nothing else touches a queue.
   */
  const SEND = ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
  const CONSUME = ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'];
  const QUEUES: Record<string, Record<string, readonly string[]>> = {
    'worker:stream': { DeliveryQueue: SEND, DeliveryDeadLetters: SEND },
    'worker:sender': { DeliveryQueue: CONSUME },
  };
  /**
   * What a Lambda may ask of the Cognito user pool: the console reads its own client's secret
   * there once at cold start (functions/console/config.ts), so that the secret is in no
   * environment variable or template. Nothing else touches the pool.
   */
  const COGNITO: Record<string, readonly string[]> = { console: ['cognito-idp:DescribeUserPoolClient'] };
  /** The table-stream actions CDK's grantStreamRead gives (ListStreams takes no narrower resource than *). */
  const STREAM_READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

  /** The actions CDK's table/bucket grants expand to (aws-cdk-lib as pinned in package.json). */
  const TABLE_READ = ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:Query', 'dynamodb:Scan'];
  const TABLE_WRITE = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
  const BUCKET_READ = ['s3:GetBucket*', 's3:GetObject*', 's3:List*'];
  const BUCKET_WRITE = ['s3:Abort*', 's3:DeleteObject*', 's3:PutObject', 's3:PutObjectLegalHold', 's3:PutObjectRetention', 's3:PutObjectTagging', 's3:PutObjectVersionTagging'];
  const KMS_DECRYPT = ['kms:Decrypt', 'kms:DescribeKey'];
  const KMS_ENCRYPT = ['kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];
  /** Every Lambda: its own log group, and X-Ray (which takes no resource narrower than *). */
  const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const XRAY = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
  /** Reading configuration (the cursor secret) from Secrets Manager or SSM, on that secret alone. */
  const CONFIG_READ = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'ssm:GetParameter', 'ssm:GetParameters'];

  type Json = any;
  const lambdas = () => [
    ...Object.entries(handlers).map(([name, def]) => ({ name, id: name, grants: def.grants as readonly Grant[] })),
    ...Object.entries(jobs).map(([name, def]) => ({ name: `job:${name}`, id: `job-${name}`, grants: def.grants as readonly Grant[] })),
    ...Object.entries(workers).map(([name, def]) => ({ name: `worker:${name}`, id: `events-${name}`, grants: def.grants as readonly Grant[] })),
    { name: 'trigger:pre-token', id: 'triggerpretoken', grants: [] as readonly Grant[] },
  ];

  /** The logical id of a stack resource a CloudFormation value points at (Ref or Fn::GetAtt), if any. */
  const target = (v: Json): string | undefined => v?.Ref ?? v?.['Fn::GetAtt']?.[0] ?? (v?.['Fn::Join'] ? target(v['Fn::Join'][1][0]) : undefined);
  const typeOf = (id: string | undefined): string | undefined => (id ? template.toJSON().Resources[id]?.Type : undefined);
  const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

  /** A Lambda's function and role, found by the construct ids infra/stack.ts gives them (`<name>Fn`, `<name>Role`). */
  function lambdaOf(id: string): { fn: Json; roleId: string } {
    const prefix = `${id}Fn`.replace(/[^A-Za-z0-9]/g, '');
    const fns = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([logical]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(logical));
    expect(fns, `one function for ${id}`).toHaveLength(1);
    const fn = fns[0]![1];
    return { fn, roleId: target(fn.Properties.Role)! };
  }

  /** Every Allow statement that applies to a role: its inline policies and the IAM policies attached to it. */
  function statementsOf(roleId: string): Json[] {
    const role = template.toJSON().Resources[roleId];
    expect(role.Properties.ManagedPolicyArns ?? [], `${roleId} has no managed policies`).toEqual([]);
    const inline = (role.Properties.Policies ?? []).flatMap((p: Json) => p.PolicyDocument.Statement);
    const attached = [
      ...Object.values(template.findResources('AWS::IAM::Policy')),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')),
    ].filter((p) => list(p.Properties.Roles).some((r: Json) => target(r) === roleId)).flatMap((p) => p.Properties.PolicyDocument.Statement);
    return [...inline, ...attached];
  }

  /** Actions by family, each checked against the resources it may name. */
  function actionsOf(name: string, fn: Json, statements: Json[]) {
    const found = { cognito: new Set<string>(), table: new Set<string>(), bucket: new Set<string>(), kms: new Set<string>(), logs: new Set<string>(), xray: new Set<string>(), config: new Set<string>(), stream: new Set<string>(), queues: new Set<string>() };
    const logGroup = target(fn.Properties.LoggingConfig?.LogGroup);
    for (const st of statements) {
      expect(st.NotAction ?? st.NotResource, `${name}: no NotAction/NotResource`).toBeUndefined();
      if (st.Effect !== 'Allow') continue;
      const resources = list(st.Resource);
      for (const action of list<string>(st.Action)) {
        const on = (type: string) => resources.every((r) => typeOf(target(r)) === type);
        const where = `${name}: ${action} on ${JSON.stringify(resources)}`;
        if (STREAM_READ.includes(action) && (action === 'dynamodb:ListStreams' ? resources.every((r) => r === '*') : JSON.stringify(resources).includes('StreamArn'))) {
          found.stream.add(action);
        } else if (action.startsWith('dynamodb:')) {
          expect(on('AWS::DynamoDB::Table'), where).toBe(true);
          found.table.add(action);
        } else if (action.startsWith('cognito-idp:')) {
          expect(on('AWS::Cognito::UserPool'), where).toBe(true);
          found.cognito.add(action);
        } else if (action.startsWith('sqs:')) {
          expect(on('AWS::SQS::Queue'), where).toBe(true);
          for (const r of resources) found.queues.add(`${target(r)!.replace(/[0-9A-F]{8}$/, '')} ${action}`);
        } else if (action.startsWith('s3:')) {
          expect(on('AWS::S3::Bucket'), where).toBe(true);
          expect(resources.every((r) => !JSON.stringify(r).includes('AccessLogs')), where).toBe(true);
          found.bucket.add(action);
        } else if (action.startsWith('kms:')) {
          expect(on('AWS::KMS::Key'), where).toBe(true);
          found.kms.add(action);
        } else if (LOGS.includes(action)) {
          expect(resources.map(target), where).toEqual([logGroup]);
          found.logs.add(action);
        } else if (XRAY.includes(action)) {
          found.xray.add(action);
        } else if (CONFIG_READ.includes(action)) {
          expect(resources.every((r) => r !== '*' && (typeOf(target(r)) === 'AWS::SecretsManager::Secret' || /parameter\//.test(JSON.stringify(r)))), where).toBe(true);
          found.config.add(action);
        } else {
          expect.fail(`${name} may not ${action} (on ${JSON.stringify(resources)}): no grant in the route table gives it`);
        }
      }
    }
    const sorted = (s: Set<string>) => [...s].sort();
    return Object.fromEntries(Object.entries(found).map(([k, v]) => [k, sorted(v)])) as Record<keyof typeof found, string[]>;
  }

  it('the route table gives each Lambda exactly the grants reviewed here', () => {
    expect(Object.fromEntries(lambdas().map((l) => [l.name, [...l.grants].sort()]))).toEqual(
      Object.fromEntries(Object.entries(LEAST_PRIVILEGE).map(([n, g]) => [n, [...g].sort()])),
    );
  });

  it('a Lambda serving a creating POST can write the table (Idempotency-Key is stored there)', () => {
    for (const { def } of routeList.filter((r) => r.def.idempotent)) {
      expect(handlers[def.handler].grants as readonly Grant[], def.handler).toContain('table:write');
    }
  });

  it.each(lambdas().map((l) => [l.name, l] as const))('%s: its role allows what its grants give and nothing else', (name, l) => {
    const { fn, roleId } = lambdaOf(l.id);
    const actions = actionsOf(name, fn, statementsOf(roleId));
    const has = (g: Grant) => l.grants.includes(g);
    const tableRead = has('table:read') || has('table:write');
    const bucketRead = has('bucket:read') || has('bucket:write');

    expect(actions.table, `${name} DynamoDB`).toEqual([...(tableRead ? TABLE_READ : []), ...(has('table:write') ? TABLE_WRITE : [])].sort());
    expect(actions.bucket, `${name} S3`).toEqual([...(bucketRead ? BUCKET_READ : []), ...(has('bucket:write') ? BUCKET_WRITE : [])].sort());
    if (!tableRead) expect(actions.table, `${name} has no table grant, so no DynamoDB action at all`).toEqual([]);
    // the data key: to read what the table or bucket holds and to write it encrypted; kms:Decrypt
    // besides only to read the cursor secret it encrypts
    // sending to a queue encrypts with the hub key too
    const encrypt = has('table:write') || has('bucket:write') || Object.values(QUEUES[name] ?? {}).some((acts) => acts.includes('sqs:SendMessage'));
    const needed = [...(tableRead || bucketRead ? KMS_DECRYPT : []), ...(encrypt ? KMS_ENCRYPT : [])].sort();
    const extra = actions.kms.filter((a) => !needed.includes(a));
    expect(actions.kms, `${name} KMS`).toEqual(expect.arrayContaining(needed));
    expect(extra, `${name} KMS beyond its grants`).toEqual(actions.config.length > 0 ? extra.filter((a) => a === 'kms:Decrypt') : []);
    expect(actions.logs, `${name} logs`).toEqual(LOGS);
    expect(actions.xray, `${name} X-Ray`).toEqual(XRAY);
    const queues = Object.entries(QUEUES[name] ?? {}).flatMap(([q, acts]) => acts.map((a) => `${q} ${a}`)).sort();
    expect(actions.queues, `${name} SQS`).toEqual(queues);
    expect(actions.cognito, `${name} Cognito`).toEqual([...(COGNITO[name] ?? [])].sort());
    expect(actions.stream, `${name} table stream`).toEqual(name === 'worker:stream' ? STREAM_READ : []);
  });
});

describe('the cursor secret', () => {
  const lambdas = () =>
    Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, f]) => f.Properties.Handler === 'index.handler');
  /** Every IAM action granted to the function's role, with the resources it is granted on. */
  const grantsOf = (fn: any): { actions: string[]; resources: unknown[] }[] => {
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .map((s: any) => ({ actions: [s.Action].flat(), resources: [s.Resource].flat() }));
  };
  const secretId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('CursorSecret'))!;

  it('is a Secrets Manager secret with a generated value, encrypted with the hub key (the webhook key beside it)', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: Match.anyValue() }),
      KmsKeyId: Match.anyValue(),
    });
  });

  it('reaches no function as a value: no plain CURSOR_SECRET, no secret resolved into the environment', () => {
    for (const [id, f] of lambdas()) {
      const env = f.Properties.Environment?.Variables ?? {};
      expect(env.CURSOR_SECRET, id).toBeUndefined();
      expect(JSON.stringify(env), id).not.toMatch(/resolve:secretsmanager/);
    }
  });

  it('gives its ARN and read access to exactly the functions that seal cursors', () => {
    const withArn = lambdas().filter(([, f]) => f.Properties.Environment?.Variables?.CURSOR_SECRET_ARN);
    const without = lambdas().filter(([, f]) => !f.Properties.Environment?.Variables?.CURSOR_SECRET_ARN);
    const name = (id: string) => id.replace(/Fn[0-9A-F]{8}$/, '');
    // handlers whose lists are paged with sealed cursors, and ones that never page
    expect(withArn.map(([id]) => name(id))).toEqual(expect.arrayContaining(['reference', 'homes', 'vacancysearch', 'pool', 'spend']));
    expect(without.map(([id]) => name(id))).toEqual(expect.arrayContaining(['health', 'openapi', 'authorizer']));
    for (const [id, f] of withArn) {
      expect(f.Properties.Environment.Variables.CURSOR_SECRET_ARN, id).toEqual({ Ref: secretId() });
      const reads = grantsOf(f).filter((g) => g.actions.includes('secretsmanager:GetSecretValue') && g.resources.some((r: any) => r.Ref === secretId()));
      expect(reads.map((g) => g.resources), id).toEqual([[{ Ref: secretId() }]]);
    }
    for (const [id, f] of without) {
      const reads = grantsOf(f).filter((g) => g.actions.some((a) => a.startsWith('secretsmanager:')) && g.resources.some((r: any) => r.Ref === secretId()));
      expect(reads, id).toEqual([]);
    }
  });

  it('gives every function the table and bucket names it checks at cold start', () => {
    for (const [id, f] of lambdas()) {
      expect(Object.keys(f.Properties.Environment.Variables), id).toEqual(expect.arrayContaining(['TABLE_NAME', 'BUCKET_NAME']));
    }
  });
});

describe('the webhook key (sealing webhook signing secrets)', () => {
  const lambdas = () => Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, f]) => f.Properties.Handler === 'index.handler');
  const keyId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret')).find((id) => id.startsWith('WebhookKey'))!;
  const name = (id: string) => id.replace(/Fn[0-9A-F]{8}$/, '');

  it('reaches, as an ARN and a read grant on it alone, exactly the webhook registration and the sender', () => {
    const withArn = lambdas().filter(([, f]) => f.Properties.Environment?.Variables?.WEBHOOK_KEY_ARN);
    expect(withArn.map(([id]) => name(id)).sort()).toEqual(['eventssender', 'webhooks']);
    for (const [id, f] of withArn) expect(f.Properties.Environment.Variables.WEBHOOK_KEY_ARN, id).toEqual({ Ref: keyId() });
    for (const [, f] of lambdas()) expect(JSON.stringify(f.Properties.Environment?.Variables ?? {})).not.toMatch(/WEBHOOK_KEY"|resolve:secretsmanager/);
  });
});

describe('event delivery (issue 15)', () => {
  const queues = () => template.findResources('AWS::SQS::Queue');
  const queueId = (prefix: string) => Object.keys(queues()).find((id) => id.startsWith(prefix))!;

  it('streams new images of the table', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_IMAGE' } });
  });

  it('queues deliveries encrypted, with a dead-letter queue after the schedule\'s last attempt, kept past the 3 days', () => {
    expect(Object.keys(queues())).toHaveLength(2);
    const main = queues()[queueId('DeliveryQueue')]!.Properties;
    expect(main.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [queueId('DeliveryDeadLetters'), 'Arn'] }, maxReceiveCount: maxAttempts() });
    expect(main.MessageRetentionPeriod).toBeGreaterThan(3.5 * 86_400);
    expect(main.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 29);
    for (const q of Object.values(queues())) expect(q.Properties.KmsMasterKeyId, 'KMS-encrypted').toBeDefined();
  });

  it('alarms on anything in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId('DeliveryDeadLetters'), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('feeds the stream Lambda only new outbox records, and the sender the delivery queue with partial batch failures', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties);
    expect(mappings).toHaveLength(2);
    const stream = mappings.find((m) => JSON.stringify(m.EventSourceArn).includes('StreamArn'))!;
    expect(JSON.parse(stream.FilterCriteria.Filters[0].Pattern)).toEqual({ eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'EVENTS#' }] } } } });
    expect(stream.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(stream.BisectBatchOnFunctionError).toBe(true);
    expect(stream.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId('DeliveryDeadLetters'), 'Arn'] });
    const sender = mappings.find((m) => JSON.stringify(m.EventSourceArn).includes('DeliveryQueue'))!;
    expect(sender.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(JSON.stringify(stream.FunctionName)).toMatch(/eventsstream/);
    expect(JSON.stringify(sender.FunctionName)).toMatch(/eventssender/);
  });
});
