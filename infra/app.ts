import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HubStack } from './stack.ts';

/** `npx cdk synth` / `cdk deploy`: the hub stack, checked by cdk-nag's AwsSolutions rules. */
const app = new App();
new HubStack(app, process.env.HUB_STACK_NAME ?? 'CommissionEastHub', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'eu-west-2' },
  description: 'Commission East hub: placement, pooled beds, consent-governed sharing and spend for the Eastern Region',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
