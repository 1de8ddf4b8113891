import { defaultGrpcAddresses } from '#libs/config';
import { loadLauncherConfig, processEnvironment, withLocalDefaults, type Env, type LauncherConfig } from './config.ts';
import { defaultDevSecretsFile, withDevSecrets } from './dev-secrets.ts';
import { findFreePort } from './ports.ts';

export interface EnvironmentOptions {
  /** Variables layered over the launcher's own environment; `undefined` unsets one. */
  env?: Env | undefined;
  devSecretsFile?: string | null | undefined;
  randomPorts?: boolean | undefined;
}

const addressVariables = Object.keys(defaultGrpcAddresses) as (keyof typeof defaultGrpcAddresses)[];

async function withRandomPorts(env: Env): Promise<Env> {
  const ports: Env = { PORT: String(await findFreePort()) };
  for (const variable of addressVariables) ports[variable] = `127.0.0.1:${await findFreePort()}`;
  return { ...env, ...ports };
}

/**
 * The environment every child gets: local defaults and development secrets filled in, and
 * the gateway port and service addresses written out, so the launcher probes exactly
 * where the children listen. `say` receives the warnings to show.
 */
export async function prepareEnvironment(
  options: EnvironmentOptions,
  say: (line: string) => void,
): Promise<{ env: Env; config: LauncherConfig }> {
  const given = withLocalDefaults({ ...processEnvironment(), ...options.env });
  const secretsFile = options.devSecretsFile === undefined ? defaultDevSecretsFile : options.devSecretsFile;
  const secrets = withDevSecrets(given, secretsFile);
  secrets.warnings.forEach((warning) => warning.split('\n').forEach(say));
  const env = options.randomPorts ? await withRandomPorts(secrets.env) : secrets.env;
  const config = loadLauncherConfig(env);
  const addresses = Object.fromEntries(addressVariables.map((variable) => [variable, config[variable]]));
  return { env: { ...env, ...addresses, PORT: String(config.PORT) }, config };
}
