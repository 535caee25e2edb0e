import { createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps,
  aws_apigateway as apigw, aws_dynamodb as ddb, aws_events as events, aws_events_targets as targets,
  aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs,
  aws_s3 as s3, aws_secretsmanager as secrets, aws_wafv2 as waf, aws_cognito as cognito, SecretValue, Validations,
  aws_cloudwatch as cloudwatch, aws_lambda_event_sources as sources, aws_sqs as sqs,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AUTHORITY_SLUGS } from '../functions/domain/reference/authorities.ts';
import { CONSOLE_CLIENT_ID, HUB_API_RESOURCE, HUB_API_SCOPE } from '../functions/domain/sign-in.ts';
import { TABLE } from '../functions/store/table.ts';
import { COMMON_ASSETS, LAMBDA_BUNDLING, bundleHolds } from './bundling.ts';
import { AUTHORIZER_CACHE_SECONDS, CONSOLE_PATHS, handlers, jobs, routeList, workers, type Grant, type HandlerDef } from '../functions/routes/index.ts';
import { maxAttempts } from '../functions/domain/webhooks.ts';

const ROOT = join(import.meta.dirname, '..');
/** The module that seals list cursors: the functions that hold it get the cursor secret. */
export const CURSOR_MODULE = 'functions/store/cursor.ts';
/** The module that seals webhook signing secrets: the functions that hold it get the webhook key. */
export const WEBHOOK_KEY_MODULE = 'functions/store/webhook-secrets.ts';

/** The API's one stage. */
const STAGE = 'live';

/** Throttling per usage plan: each authority its own; providers and the programme office share theirs. */
const PLAN_LIMITS = { rateLimit: 50, burstLimit: 100, quotaPerDay: 200_000 } as const;

/**
 * The hub in AWS: one DynamoDB table and one S3 bucket (customer-managed KMS), a Lambda per
 * handler file with only the grants the route table gives it, a REST API built from
 * functions/routes/index.ts behind a REQUEST authorizer, a usage plan per authority, and EventBridge
 * schedules for the jobs.
 */
export class HubStack extends Stack {
  readonly api: apigw.RestApi;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const key = new kms.Key(this, 'DataKey', {
      description: 'Commission East hub: children\'s data at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const table = new ddb.Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: ddb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: ddb.AttributeType.STRING },
      billingMode: ddb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: ddb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: TABLE.ttlAttribute,
      // new outbox records go to delivery (functions/events/stream.ts)
      stream: ddb.StreamViewType[TABLE.stream],
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: ddb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: ddb.AttributeType.STRING },
      });
    }

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(400) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-S1', reason: 'This is the server access log bucket itself; logging it into itself would loop.' },
    );

    const bucket = new s3.Bucket(this, 'Data', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Signs opaque list cursors so a client cannot forge or alter one (functions/store/cursor.ts).
    // Only its ARN reaches a function; the value is fetched once at cold start
    // (functions/store/config.ts), by the functions that seal cursors and no others.
    const cursorSecret = new secrets.Secret(this, 'CursorSecret', {
      description: 'HMAC key for Commission East hub list cursors',
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(cursorSecret).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'A cursor key only needs to outlive the cursors it signed (minutes); rotate by updating the secret and redeploying, which at worst invalidates open pages.',
    });

    // Encrypts webhook signing secrets at rest (functions/store/webhook-secrets.ts), held like the
    // cursor secret: only its ARN reaches the functions whose bundle seals or opens them.
    const webhookKey = new secrets.Secret(this, 'WebhookKey', {
      description: 'AES-256-GCM key (hashed) sealing Commission East hub webhook signing secrets',
      encryptionKey: key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(webhookKey).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason: 'Rotating this key would leave every sealed webhook secret unreadable; it is rotated by re-registering webhooks under a new key, not by Secrets Manager rotation.',
    });

    const environment = {
      TABLE_NAME: table.tableName,
      BUCKET_NAME: bucket.bucketName,
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'commission-east-hub',
      LOG_LEVEL: 'INFO',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };

    const grant = (fn: lambda.IFunction, grants: readonly Grant[]) => {
      for (const g of grants) {
        if (g === 'table:read') table.grantReadData(fn);
        if (g === 'table:write') table.grantReadWriteData(fn);
        if (g === 'bucket:read') bucket.grantRead(fn);
        if (g === 'bucket:write') bucket.grantReadWrite(fn);
      }
    };

    const makeFunction = (name: string, entry: string, def: HandlerDef, timeout = Duration.seconds(29)) => {
      const logGroup = new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
      const role = new iam.Role(this, `${name}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      const sealsCursors = bundleHolds(entry, CURSOR_MODULE, ROOT);
      const sealsWebhooks = bundleHolds(entry, WEBHOOK_KEY_MODULE, ROOT);
      logGroup.grantWrite(role);
      const fn = new nodejs.NodejsFunction(this, `${name}Fn`, {
        entry: join(ROOT, entry),
        projectRoot: ROOT,
        depsLockFilePath: join(ROOT, 'package-lock.json'),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: lambda.Architecture.ARM_64,
        memorySize: def.memoryMb ?? 512,
        timeout,
        role,
        logGroup,
        tracing: lambda.Tracing.ACTIVE,
        environment: {
          ...environment,
          ...(sealsCursors ? { CURSOR_SECRET_ARN: cursorSecret.secretArn } : {}),
          ...(sealsWebhooks ? { WEBHOOK_KEY_ARN: webhookKey.secretArn } : {}),
        },
        bundling: {
          format: nodejs.OutputFormat.ESM,
          target: LAMBDA_BUNDLING.target,
          minify: LAMBDA_BUNDLING.minify,
          sourceMap: true,
          externalModules: [...LAMBDA_BUNDLING.external],
          bundleAwsSDK: true,
          esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => [`--alias:${from}`, to])),
          mainFields: [...LAMBDA_BUNDLING.mainFields],
          banner: LAMBDA_BUNDLING.banner,
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            // run-time files beside the bundle, by their base name (the outcode table goes to every Lambda)
            afterBundling: (input: string, output: string) =>
              [...COMMON_ASSETS, ...(def.assets ?? [])].map((a) => `cp -r "${input}/${a}" "${output}/${a.split('/').pop()}"`),
          },
        },
      });
      grant(fn, def.grants);
      if (sealsCursors) cursorSecret.grantRead(fn);
      if (sealsWebhooks) webhookKey.grantRead(fn);
      Validations.of(role).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource narrower than *.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(table.node.defaultChild as ddb.CfnTable)}.Arn>/index/*]`, reason: 'Queries on this table\'s own GSIs (gsi1, gsi2, gsi3), granted by table.grant*.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]`, reason: 'CDK bucket.grantRead: object reads within the hub bucket only.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*]`, reason: 'CDK bucket.grantRead on the hub bucket only.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::s3:List*]`, reason: 'CDK bucket.grantRead on the hub bucket only.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]`, reason: 'CDK bucket.grantReadWrite: the hub deletes its own batch objects.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]`, reason: 'CDK bucket.grantReadWrite: aborting its own multipart uploads.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]`, reason: 'KMS data keys for the hub\'s own customer-managed key only.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]`, reason: 'KMS re-encryption with the hub\'s own customer-managed key only.' },
        { id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`, reason: 'Objects within the hub bucket.' },
      );
      return fn;
    };

    const fns = new Map<string, lambda.Function>();
    for (const [name, def] of Object.entries(handlers) as [string, HandlerDef][]) {
      fns.set(name, makeFunction(name, `functions/handlers/${name}.ts`, def));
    }

    // ---------------------------------------------------------------- the API
    const apiLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: 'commission-east-hub',
      description: 'Commission East hub API v1 (CONTRACT.md)',
      apiKeySourceType: apigw.ApiKeySourceType.AUTHORIZER,
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE,
        accessLogDestination: new apigw.LogGroupLogDestination(apiLogs),
        accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigw.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: 200,
        throttlingBurstLimit: 400,
      },
      endpointTypes: [apigw.EndpointType.REGIONAL],
    });
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: false });

    const authorizer = new apigw.RequestAuthorizer(this, 'ApiKeyAuthorizer', {
      handler: fns.get('authorizer')!,
      // x-api-key (systems) or Authorization: Bearer (people): not cached (AUTHORIZER_CACHE_SECONDS
      // is 0, see functions/routes/index.ts), so no identity source is required of a call
      identitySources: [],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_SECONDS),
    });

    // Each method may invoke its Lambda (a permission scoped to the method), not the API Gateway
    // console's "Test" button too (allowTestInvoke: a second permission per method, which the hub
    // never uses): fewer invoke grants, and room under CloudFormation's 500 resources per stack.
    for (const { method, path, def } of routeList) {
      const resource = this.api.root.resourceForPath(path);
      const isPublic = def.access === 'public';
      resource.addMethod(method, new apigw.LambdaIntegration(fns.get(def.handler)!, { allowTestInvoke: false }), {
        requestValidator: validator,
        ...(isPublic
          ? { authorizationType: apigw.AuthorizationType.NONE }
          : { authorizer, authorizationType: apigw.AuthorizationType.CUSTOM, apiKeyRequired: true }),
      });
    }

    const authorizerFn = fns.get('authorizer')!;
    const signIn = this.people(authorizerFn, makeFunction);
    // The console: its pages behind the same API, without the API-key authorizer (people sign in to
    // it with OpenID Connect; it keeps its own sealed session cookie, Secure here), as a shell and one
    // Lambda per persona (functions/routes/console.ts). Its assets are served by the shell with
    // year-long immutable caching (functions/console/assets.ts).
    const consoleFn = fns.get('console')!;
    consoleFn.addEnvironment('HUB_CONSOLE_CLIENT_ID', signIn.clientId);
    // its client secret is Cognito's alone: the shell reads it once at cold start with the one
    // action it may take on the pool (functions/console/config.ts), never from the template
    consoleFn.addEnvironment('HUB_COGNITO_USER_POOL_ID', signIn.userPool.userPoolId);
    signIn.userPool.grant(consoleFn, 'cognito-idp:DescribeUserPoolClient');
    for (const [name, paths] of Object.entries(CONSOLE_PATHS)) {
      const fn = fns.get(name)!;
      // one invoke permission per console Lambda from this API (not one per path: 34 paths)
      const integration = new apigw.LambdaIntegration(fn, { scopePermissionToMethod: false });
      // every console page's Content-Security-Policy names the provider (form-action: sign-out leads there)
      fn.addEnvironment('HUB_OIDC_ISSUER', signIn.issuer);
      fn.addEnvironment('HUB_OIDC_SIGN_IN_ORIGIN', signIn.signInOrigin);
      for (const path of paths) {
        this.api.root.resourceForPath(path).addMethod('ANY', integration, { authorizationType: apigw.AuthorizationType.NONE });
      }
    }

    // problem+json for the answers API Gateway gives itself
    const problem = (status: number, title: string, detail: string) => ({
      'application/json': JSON.stringify({ type: `https://commission-east.example/problems/${status}`, title, status, detail }),
    });
    const gatewayResponses: [apigw.ResponseType, number, string, string][] = [
      [apigw.ResponseType.UNAUTHORIZED, 401, 'Unauthorized', 'A valid x-api-key header is required.'],
      [apigw.ResponseType.ACCESS_DENIED, 401, 'Unauthorized', 'A valid x-api-key header is required.'],
      [apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN, 404, 'Not found', 'No such route.'],
      [apigw.ResponseType.REQUEST_TOO_LARGE, 413, 'Payload too large', 'The body is over the limit.'],
      [apigw.ResponseType.THROTTLED, 429, 'Too many requests', 'Slow down; see your usage plan.'],
      [apigw.ResponseType.QUOTA_EXCEEDED, 429, 'Too many requests', 'Your daily quota is used up.'],
      [apigw.ResponseType.DEFAULT_4XX, 400, 'Bad request', 'The request was refused by the gateway.'],
      [apigw.ResponseType.DEFAULT_5XX, 502, 'Bad gateway', 'Something went wrong on our side; the request id identifies it.'],
    ];
    for (const [type, status, title, detail] of gatewayResponses) {
      this.api.addGatewayResponse(`Gw${type.responseType}`, {
        type,
        statusCode: String(status),
        responseHeaders: { 'Content-Type': "'application/problem+json'", 'x-request-id': 'context.requestId' },
        templates: problem(status, title, detail),
      });
    }

    // A usage plan per authority, one for providers and one for the programme office. `hub keys
    // create` in AWS registers each new key with its principal's plan (outputs below).
    const plans: Record<string, apigw.UsagePlan> = {};
    for (const name of [...AUTHORITY_SLUGS.map((s) => `authority-${s}`), 'providers', 'programme-office']) {
      plans[name] = this.api.addUsagePlan(`Plan-${name}`, {
        name: `hub-${name}`,
        throttle: { rateLimit: PLAN_LIMITS.rateLimit, burstLimit: PLAN_LIMITS.burstLimit },
        quota: { limit: PLAN_LIMITS.quotaPerDay, period: apigw.Period.DAY },
        apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
      });
      new CfnOutput(this, `UsagePlan${name.replace(/[^A-Za-z0-9]/g, '')}`, { value: plans[name].usagePlanId, exportName: `${id}-plan-${name}` });
    }
    // People's calls count against their organisation's plan too: the methods require an API key
    // and the key source is the authorizer, so for a person it names a "people" key of the plan.
    // Not a credential (API Gateway never accepts it from a caller: the authorizer decides who
    // calls), so its value is derived here and handed to the authorizer.
    const peopleKeys: Record<string, string> = {};
    for (const [name, plan] of Object.entries(plans)) {
      const value = `people_${createHash('sha256').update(`${id}:${name}:people`).digest('base64url')}`;
      plan.addApiKey(new apigw.ApiKey(this, `PeopleKey-${name}`, { apiKeyName: `hub-people-${name}`, value, description: `Usage identifier of ${name}'s people (not a credential)` }));
      peopleKeys[`hub-${name}`] = value;
    }
    authorizerFn.addEnvironment('HUB_PEOPLE_USAGE_KEYS', JSON.stringify(peopleKeys));

    const acl = new waf.CfnWebACL(this, 'Waf', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'hub-waf', sampledRequestsEnabled: false },
      rules: [
        {
          name: 'aws-common',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // spend batches are CSV bodies up to 256 KB; the hub enforces its own limit
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'hub-waf-common', sampledRequestsEnabled: false },
        },
      ],
    });
    new waf.CfnWebACLAssociation(this, 'WafAssociation', {
      resourceArn: `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/restapis/${this.api.restApiId}/stages/${this.api.deploymentStage.stageName}`,
      webAclArn: acl.attrArn,
    });

    // ---------------------------------------------------------------- scheduled jobs
    for (const [name, job] of Object.entries(jobs) as [string, { schedule: string; grants: readonly Grant[]; description: string }][]) {
      const fn = makeFunction(`job-${name}`.replace(/[^A-Za-z0-9]/g, ''), `functions/jobs/${name}.ts`, { grants: job.grants, memoryMb: 1024 }, Duration.minutes(15));
      new events.Rule(this, `Schedule-${name}`, { description: job.description, schedule: events.Schedule.expression(job.schedule), targets: [new targets.LambdaFunction(fn)] });
    }

    // ---------------------------------------------------------------- event delivery (issue 15)
    // stream → `stream` Lambda → delivery queue → `sender` Lambda → receivers; retries by the
    // message's visibility; what is still refused after the 3-day schedule is parked in the
    // dead-letter queue, which an alarm watches.
    const deadLetters = new sqs.Queue(this, 'DeliveryDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetters).acknowledge({ id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'This is the dead-letter queue of webhook deliveries itself.' });
    const deliveries = new sqs.Queue(this, 'DeliveryQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      // longer than the sender's 29 s timeout many times over (AWS's advice: 6×)
      visibilityTimeout: Duration.minutes(3),
      // the schedule spans a little over 3 days (77 h): a message outlives its last attempt
      retentionPeriod: Duration.days(5),
      // the attempt after the schedule's last is the message's move to the dead-letter queue
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: maxAttempts() },
    });
    const streamFn = makeFunction('events-stream', 'functions/events/stream.ts', workers.stream, Duration.minutes(1));
    streamFn.addEnvironment('DELIVERY_QUEUE_URL', deliveries.queueUrl);
    deliveries.grantSendMessages(streamFn);
    streamFn.addEventSource(new sources.DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 50,
      onFailure: new sources.SqsDlq(deadLetters),
      filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT'), dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('EVENTS#') } } } })],
    }));
    const senderFn = makeFunction('events-sender', 'functions/events/sender.ts', workers.sender);
    senderFn.addEnvironment('DELIVERY_QUEUE_URL', deliveries.queueUrl);
    senderFn.addEventSource(new sources.SqsEventSource(deliveries, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 20 }));
    const parked = new cloudwatch.Alarm(this, 'DeliveryDeadLettersAlarm', {
      alarmDescription: 'Webhook deliveries refused for 3 days (or stream records that could not be queued) are parked in the dead-letter queue',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    new CfnOutput(this, 'DeliveryDeadLettersAlarmName', { value: parked.alarmName });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'BucketName', { value: bucket.bucketName });

    Validations.of(this).acknowledge(
      { id: 'AwsSolutions::AwsSolutions-L1', reason: 'The hub targets the Node.js 22 Lambda runtime, the version its code, tests and the contract are written and tested for; moving runtime is a deliberate, tested change.' },
      { id: 'AwsSolutions::AwsSolutions-IAM4', reason: 'Only the API Gateway account CloudWatch role and CDK\'s own log-retention/custom-resource roles use AWS managed policies (AmazonAPIGatewayPushToCloudWatchLogs, AWSLambdaBasicExecutionRole); the hub\'s functions use their own roles.' },
      { id: 'AwsSolutions::AwsSolutions-APIG4', reason: 'GET /v1/health and GET /openapi.json are public by contract, and /console/ signs people in itself (OpenID Connect, a sealed session cookie, CSRF tokens); every other method uses the API-key Lambda authorizer.' },
      { id: 'AwsSolutions::AwsSolutions-APIG2', reason: 'Every body, path and query is validated strictly by the hub\'s own edge (zod, unknown fields 400) in front of each handler; API Gateway also validates required parameters.' },
      { id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', reason: 'The account-level role API Gateway needs to write its logs to CloudWatch; AWS maintains this policy for exactly that.' },
      { id: 'AwsSolutions::AwsSolutions-COG4', reason: 'One Lambda REQUEST authorizer serves both systems (x-api-key) and people: it verifies Cognito access tokens itself (issuer, JWKS, client_id, expiry; functions/http/bearer.ts), as a Cognito authorizer cannot also take API keys.' },
    );
  }

  /**
   * People in AWS (CONTRACT "Organisations and people"): a Cognito user pool with MFA required and
   * threat protection enforced; the console's app client (authorization code + PKCE, its secret
   * kept by Cognito alone, which the console reads at cold start); the hub API as a resource server with one scope; a pre-token-generation
   * trigger (V2) that puts `hub:principal` and `hub:roles` into access tokens
   * (functions/triggers/pre-token.ts); and, for each authority named in the `entra` context value,
   * its Microsoft Entra ID federated through OIDC:
   *   cdk deploy -c entra='{"essex":{"issuer":"https://login.microsoftonline.com/<tenant>/v2.0","clientId":"<app id>","secretName":"<Secrets Manager name of the client secret>"}}'
   * The authorizer checks Cognito's access tokens: issuer, keys, `token_use: access` and the
   * console's `client_id` (Cognito puts no `aud` in access tokens).
   */
  private people(authorizer: lambda.Function, makeFunction: (name: string, entry: string, def: HandlerDef) => lambda.Function): { issuer: string; clientId: string; userPool: cognito.UserPool; signInOrigin: string } {
    const entra = (this.node.tryGetContext('entra') ?? {}) as Record<string, { issuer: string; clientId: string; secretName: string }>;
    const entraContext = typeof entra === 'string' ? (JSON.parse(entra) as typeof entra) : entra;
    const preToken = makeFunction('triggerpretoken', 'functions/triggers/pre-token.ts', { grants: [] });
    preToken.addEnvironment('HUB_IDP_PRINCIPALS', JSON.stringify(Object.fromEntries(Object.keys(entraContext).map((slug) => [`entra-${slug}`, `authority:${slug}`]))));
    const pool = new cognito.UserPool(this, 'People', {
      userPoolName: 'commission-east-hub-people',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        hub_principal: new cognito.StringAttribute({ minLen: 1, maxLen: 100, mutable: true }),
        hub_roles: new cognito.StringAttribute({ minLen: 0, maxLen: 300, mutable: true }),
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    pool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, preToken, cognito.LambdaVersion.V2_0);
    const scope = new cognito.ResourceServerScope({ scopeName: HUB_API_SCOPE, scopeDescription: 'Call the hub API as yourself' });
    const api = pool.addResourceServer('HubApi', { identifier: HUB_API_RESOURCE, userPoolResourceServerName: 'Commission East hub API', scopes: [scope] });
    const providers = Object.entries(entraContext).map(([slug, e]) =>
      new cognito.UserPoolIdentityProviderOidc(this, `Entra-${slug}`, {
        userPool: pool,
        name: `entra-${slug}`,
        issuerUrl: e.issuer,
        clientId: e.clientId,
        // a dynamic reference CloudFormation resolves at deploy: the secret is never in the template
        clientSecret: SecretValue.secretsManager(e.secretName).unsafeUnwrap(),
        scopes: ['openid', 'email', 'profile'],
        attributeRequestMethod: cognito.OidcAttributeRequestMethod.GET,
        attributeMapping: { email: cognito.ProviderAttribute.other('email'), custom: { 'custom:hub_roles': cognito.ProviderAttribute.other('roles') } },
      }));
    // the console is served behind the same API (CONTRACT "Console")
    // the stage by name, not by reference: the client must not wait for the stage (which waits for the authorizer, which names the client)
    const origin = `https://${this.api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${STAGE}`;
    const client = pool.addClient('Console', {
      userPoolClientName: CONSOLE_CLIENT_ID,
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.resourceServer(api, scope)],
        callbackUrls: [`${origin}/console/auth/callback`],
        logoutUrls: [`${origin}/console/`, `${origin}/console/signed-out`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO, ...providers.map((p) => cognito.UserPoolClientIdentityProvider.custom(p.providerName))],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      preventUserExistenceErrors: true,
    });
    for (const p of providers) client.node.addDependency(p);
    const domain = pool.addDomain('SignIn', { cognitoDomain: { domainPrefix: `commission-east-hub-${Aws.ACCOUNT_ID}`.slice(0, 63) }, managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN });
    const issuer = `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/${pool.userPoolId}`;
    authorizer.addEnvironment('HUB_OIDC_ISSUER', issuer);
    authorizer.addEnvironment('HUB_OIDC_JWKS_URL', `${issuer}/.well-known/jwks.json`);
    authorizer.addEnvironment('HUB_OIDC_CLIENT_IDS', client.userPoolClientId);
    new CfnOutput(this, 'OidcIssuer', { value: issuer });
    new CfnOutput(this, 'ConsoleClientId', { value: client.userPoolClientId });
    new CfnOutput(this, 'SignInDomain', { value: domain.baseUrl() });
    return { issuer, clientId: client.userPoolClientId, userPool: pool, signInOrigin: domain.baseUrl() };
  }
}
