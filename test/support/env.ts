import { inject } from 'vitest';
import { resetClients } from '../../functions/store/config.ts';

// Point the store at the run's DynamoDB Local and S3 server, as the Lambda environment would.
Object.assign(process.env, inject('hubEnv'));
resetClients();
