import { App, Stack, Validations, aws_s3 as s3 } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { HubStack } from '../../infra/stack.ts';
import { handlers, routeList } from '../../functions/routes/index.ts';

let template: Template;

beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new HubStack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-2' } }));
}, 120_000);

describe('the CDK stack', () => {
  it('keeps data in an on-demand table with PITR, TTL and a customer-managed key', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'gsi1' }), Match.objectLike({ IndexName: 'gsi2' })]),
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
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')).filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(methods).toHaveLength(routeList.length);
    const publicCount = routeList.filter((r) => r.def.access === 'public').length;
    const custom = methods.filter((m) => m.Properties.AuthorizationType === 'CUSTOM' && m.Properties.ApiKeyRequired === true);
    expect(custom).toHaveLength(routeList.length - publicCount);
    expect(methods.filter((m) => m.Properties.AuthorizationType === 'NONE')).toHaveLength(publicCount);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 300,
    });
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  it('gives each authority its own usage plan, plus providers and the programme office', () => {
    const plans = Object.values(template.findResources('AWS::ApiGateway::UsagePlan')).map((p) => p.Properties.UsagePlanName);
    expect(plans).toHaveLength(13);
    expect(plans).toEqual(expect.arrayContaining(['hub-authority-essex', 'hub-authority-southend-on-sea', 'hub-providers', 'hub-programme-office']));
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
  }, 120_000);

  it('does fail a stack with an unencrypted, public-by-default bucket (the check is live)', () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new Stack(app, 'Bad');
    new s3.Bucket(stack, 'Open', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS_ONLY });
    expect(() => app.synth()).toThrow();
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
  const secretId = () => Object.keys(template.findResources('AWS::SecretsManager::Secret'))[0]!;

  it('is a Secrets Manager secret with a generated value, encrypted with the hub key', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
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
      const reads = grantsOf(f).filter((g) => g.actions.includes('secretsmanager:GetSecretValue'));
      expect(reads.map((g) => g.resources), id).toEqual([[{ Ref: secretId() }]]);
    }
    for (const [id, f] of without) {
      expect(grantsOf(f).flatMap((g) => g.actions).filter((a) => a.startsWith('secretsmanager:')), id).toEqual([]);
    }
  });

  it('gives every function the table and bucket names it checks at cold start', () => {
    for (const [id, f] of lambdas()) {
      expect(Object.keys(f.Properties.Environment.Variables), id).toEqual(expect.arrayContaining(['TABLE_NAME', 'BUCKET_NAME']));
    }
  });
});
